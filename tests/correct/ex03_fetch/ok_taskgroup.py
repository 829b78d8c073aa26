"""One session, a TaskGroup with one task per URL, dict built from the tasks in URL order.

truth: correct
"""

import asyncio

import aiohttp


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        response.raise_for_status()
        body = await response.text()
    return body


async def fetch_all(urls: list[str]) -> dict[str, str]:
    async with aiohttp.ClientSession() as session:
        async with asyncio.TaskGroup() as tg:
            tasks = [(url, tg.create_task(fetch_url(session, url))) for url in urls]
    return {url: task.result() for url, task in tasks}
