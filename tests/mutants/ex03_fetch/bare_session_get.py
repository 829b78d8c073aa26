"""fetch_all gathers bare session.get(...) calls instead of fetch_url: no response is released,
and an error page comes back as data.

fails: fetch_all_fetches_with_fetch_url
says: responses unreleased
"""

import asyncio

import aiohttp


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        response.raise_for_status()
        return await response.text()


async def fetch_all(urls: list[str]) -> dict[str, str]:
    async with aiohttp.ClientSession() as session:
        responses = await asyncio.gather(*(session.get(url) for url in urls))
        return {url: await response.text() for url, response in zip(urls, responses)}
