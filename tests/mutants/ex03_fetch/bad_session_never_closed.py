"""Creates one session and fetches concurrently, but never closes the session.

truth: wrong
breaks: "close the session" - the ClientSession (and its connector) is left open; aiohttp warns
    "Unclosed client session" when it is garbage-collected.
fails: fetch_all_uses_one_session
says: left its ClientSession open
"""

import asyncio

import aiohttp


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        response.raise_for_status()
        return await response.text()


async def fetch_all(urls: list[str]) -> dict[str, str]:
    session = aiohttp.ClientSession()
    bodies = await asyncio.gather(*(fetch_url(session, url) for url in urls))
    return dict(zip(urls, bodies))
