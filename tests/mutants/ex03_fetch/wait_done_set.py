"""fetch_all waits for named tasks with asyncio.wait and builds the dict from the `done` set,
whose order is arbitrary.

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
    async with aiohttp.ClientSession() as session:
        tasks = [asyncio.create_task(fetch_url(session, url), name=url) for url in urls]
        done, _ = await asyncio.wait(tasks)
    return {task.get_name(): task.result() for task in done}
