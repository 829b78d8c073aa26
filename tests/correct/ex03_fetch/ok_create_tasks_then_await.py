"""Start every fetch as a task first, then await the tasks in URL order inside the session.

truth: correct
"""

import asyncio

import aiohttp


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as resp:
        # read first, then check: both happen before the response is released
        text = await resp.text()
        resp.raise_for_status()
        return text


async def fetch_all(urls: list[str]) -> dict[str, str]:
    results: dict[str, str] = {}
    async with aiohttp.ClientSession() as session:
        tasks = [asyncio.create_task(fetch_url(session, url)) for url in urls]
        try:
            for url, task in zip(urls, tasks):
                results[url] = await task
        finally:
            for task in tasks:
                task.cancel()  # no-op for finished tasks; stops the rest if one failed
            await asyncio.gather(*tasks, return_exceptions=True)
    return results
