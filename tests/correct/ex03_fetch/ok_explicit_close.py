"""Open the session without a context manager and close it in finally; gather + dict comprehension.

truth: correct
"""

import asyncio

import aiohttp


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        response.raise_for_status()
        return await response.text()


async def fetch_all(urls: list[str]) -> dict[str, str]:
    session = aiohttp.ClientSession()
    try:
        coros = [fetch_url(session, url) for url in urls]
        bodies = await asyncio.gather(*coros)
    finally:
        await session.close()
    return {url: body for url, body in zip(urls, bodies)}
