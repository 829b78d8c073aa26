"""Builds the dict in the order the downloads finish.

fails: fetch_all_returns_every_body_in_order
says: not in the order of urls
"""

import asyncio

import aiohttp

async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        response.raise_for_status()
        return await response.text()


async def fetch_all(urls: list[str]) -> dict[str, str]:
    async def pair(url: str) -> tuple[str, str]:
        return url, await fetch_url(session, url)

    async with aiohttp.ClientSession() as session:
        return dict([await next_done for next_done in asyncio.as_completed([pair(u) for u in urls])])
