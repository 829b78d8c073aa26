"""fetch_url raises only for 404 Not Found, not for the other error statuses.

fails: fetch_url_raises_for_error_status
says: 400 (Bad Request) response
"""

import asyncio

import aiohttp


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        if response.status == 404:
            response.raise_for_status()
        return await response.text()


async def fetch_all(urls: list[str]) -> dict[str, str]:
    async with aiohttp.ClientSession() as session:
        bodies = await asyncio.gather(*(fetch_url(session, url) for url in urls))
    return dict(zip(urls, bodies))
