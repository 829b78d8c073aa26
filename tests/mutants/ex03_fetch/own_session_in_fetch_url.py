"""fetch_url ignores the session it is given and opens one of its own for every request.

fails: fetch_url_returns_body
says: opened a ClientSession of its own
"""

import asyncio

import aiohttp


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with aiohttp.ClientSession() as own, own.get(url) as response:
        response.raise_for_status()
        return await response.text()


async def fetch_all(urls: list[str]) -> dict[str, str]:
    async with aiohttp.ClientSession() as session:
        bodies = await asyncio.gather(*(fetch_url(session, url) for url in urls))
    return dict(zip(urls, bodies))
