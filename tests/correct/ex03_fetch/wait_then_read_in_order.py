"""A correct alternative: fetch_url raises the error by hand; fetch_all starts a task per URL,
waits for them with asyncio.wait (only when there are any) and reads them in the order of urls.
"""

import asyncio

import aiohttp


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        if not response.ok:
            raise aiohttp.ClientResponseError(response.request_info, response.history,
                                              status=response.status, message=str(response.reason))
        return await response.text()


async def fetch_all(urls: list[str]) -> dict[str, str]:
    async with aiohttp.ClientSession() as session:
        tasks = [asyncio.create_task(fetch_url(session, url)) for url in urls]
        if tasks:
            await asyncio.wait(tasks)
    return {url: task.result() for url, task in zip(urls, tasks)}
