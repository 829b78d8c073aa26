"""A correct alternative: fetch_all keeps going when a URL fails and leaves that URL out (the
lesson does not say what fetch_all does with a failure, only that an error page is not data).
"""

import asyncio

import aiohttp


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        response.raise_for_status()
        return await response.text()


async def fetch_all(urls: list[str]) -> dict[str, str]:
    async with aiohttp.ClientSession() as session:
        bodies = await asyncio.gather(*(fetch_url(session, url) for url in urls),
                                      return_exceptions=True)
    return {url: body for url, body in zip(urls, bodies) if isinstance(body, str)}
