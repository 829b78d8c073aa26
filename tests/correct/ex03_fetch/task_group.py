"""A correct alternative: TaskGroup, raise_for_status=True on the request.
"""

import asyncio

import aiohttp

async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url, raise_for_status=True) as response:
        return await response.text()


async def fetch_all(urls: list[str]) -> dict[str, str]:
    async with aiohttp.ClientSession() as session:
        async with asyncio.TaskGroup() as group:
            tasks = {url: group.create_task(fetch_url(session, url)) for url in urls}
    return {url: task.result() for url, task in tasks.items()}
