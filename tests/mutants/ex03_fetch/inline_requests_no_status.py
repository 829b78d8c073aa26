"""fetch_all reads each page in its own `async with session.get(...)` block instead of calling
fetch_url: responses are released, but an error page comes back as data.

fails: fetch_all_fetches_with_fetch_url
says: error page as if it were data
"""

import asyncio

import aiohttp


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        response.raise_for_status()
        return await response.text()


async def fetch_all(urls: list[str]) -> dict[str, str]:
    async def page(session: aiohttp.ClientSession, url: str) -> str:
        async with session.get(url) as response:
            return await response.text()

    async with aiohttp.ClientSession() as session:
        bodies = await asyncio.gather(*(page(session, url) for url in urls))
    return dict(zip(urls, bodies))
