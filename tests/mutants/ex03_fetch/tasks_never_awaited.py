"""Starts a task per URL but reads results without awaiting the tasks.

fails: fetch_all_leaves_nothing_behind
says: started and never awaited
"""

import asyncio

import aiohttp

async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        response.raise_for_status()
        return await response.text()


async def fetch_all(urls: list[str]) -> dict[str, str]:
    async with aiohttp.ClientSession() as session:
        tasks = [asyncio.create_task(fetch_url(session, url)) for url in urls]
        bodies = await asyncio.gather(*(fetch_url(session, url) for url in urls))
    for task in tasks:
        task.cancel()
    return dict(zip(urls, bodies))
