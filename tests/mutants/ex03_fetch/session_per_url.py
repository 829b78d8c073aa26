"""Opens a new ClientSession for every URL.

fails: fetch_all_uses_one_session
says: opened 5 ClientSessions
"""

import asyncio

import aiohttp

async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        response.raise_for_status()
        return await response.text()


async def one(url: str) -> str:
    async with aiohttp.ClientSession() as session:
        return await fetch_url(session, url)


async def fetch_all(urls: list[str]) -> dict[str, str]:
    bodies = await asyncio.gather(*(one(url) for url in urls))
    return dict(zip(urls, bodies))
