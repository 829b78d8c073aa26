"""Blocks the loop in a while True loop that catches BaseException, pytest-timeout's included.

fails: fetch_url_returns_body
says: the event loop was blocked
"""

import asyncio
import threading

import aiohttp


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    while True:
        try:
            threading.Event().wait()
        except BaseException:
            pass


async def fetch_all(urls: list[str]) -> dict[str, str]:
    async with aiohttp.ClientSession() as session:
        bodies = await asyncio.gather(*(fetch_url(session, url) for url in urls))
    return dict(zip(urls, bodies, strict=True))
