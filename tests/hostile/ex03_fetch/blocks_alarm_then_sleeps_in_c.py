"""Blocks SIGALRM (pytest-timeout's signal), then sleeps in C: nothing can interrupt it.

fails: fetch_url_returns_body
says: The event loop was blocked: fetch_url() was running `select.select(
refused: ex03_fetch.py line 9: importing select
"""

import asyncio
import select
import signal

import aiohttp


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    select.select([], [], [], 1000)
    async with session.get(url) as response:
        return await response.text()


async def fetch_all(urls: list[str]) -> dict[str, str]:
    async with aiohttp.ClientSession() as session:
        bodies = await asyncio.gather(*(fetch_url(session, url) for url in urls))
    return dict(zip(urls, bodies, strict=True))
