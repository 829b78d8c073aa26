"""fetch_url raises for every status but 200, so a 201 Created answer is taken for an error.

fails: fetch_url_returns_body
says: 201 (Created) response
"""

import asyncio

import aiohttp


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        if response.status != 200:
            raise aiohttp.ClientResponseError(response.request_info, response.history,
                                              status=response.status, message=response.reason)
        return await response.text()


async def fetch_all(urls: list[str]) -> dict[str, str]:
    async with aiohttp.ClientSession() as session:
        bodies = await asyncio.gather(*(fetch_url(session, url) for url in urls))
    return dict(zip(urls, bodies))
