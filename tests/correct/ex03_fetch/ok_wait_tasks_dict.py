"""A dict of url -> task, asyncio.wait for all of them, then read results in key order.

truth: correct
"""

import asyncio

import aiohttp


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        response.raise_for_status()
        return await response.text()


async def fetch_all(urls: list[str]) -> dict[str, str]:
    async with aiohttp.ClientSession() as session:
        # dict.fromkeys drops repeated URLs, so no task is created and then forgotten
        tasks = {url: asyncio.create_task(fetch_url(session, url)) for url in dict.fromkeys(urls)}
        if tasks:
            await asyncio.wait(tasks.values())
        # A dict keeps insertion order, i.e. the order of urls; .result() re-raises any error.
        failures = [t.exception() for t in tasks.values() if t.exception() is not None]
        if failures:
            raise failures[0]
        return {url: task.result() for url, task in tasks.items()}
