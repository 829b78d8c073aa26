"""fetch_all returns what gather returns without awaiting it.

fails: fetch_all_returns_every_body_in_order
says: asyncio.gather(...) returns, never awaited
"""

import asyncio

import aiohttp


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        response.raise_for_status()
        return await response.text()


async def fetch_all(urls: list[str]) -> dict[str, str]:
    async with aiohttp.ClientSession() as session:
        return asyncio.gather(*(fetch_url(session, url) for url in urls))
