"""fetch_all waits for its tasks with asyncio.wait, which refuses an empty set: fetch_all([])
raises instead of returning {}.

fails: fetch_all_returns_every_body_in_order
says: fetch_all([]) raised
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
        await asyncio.wait(tasks)
    return {url: task.result() for url, task in zip(urls, tasks)}
