"""Spins in `while True: pass` inside a coroutine after checking the status: the event loop is
held for good. The message names the busy loop, not the `True` its condition evaluates.

fails: fetch_url_returns_body
says: fetch_url() was looping in `while True: pass`
"""

import asyncio

import aiohttp


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        response.raise_for_status()
        while True: pass  # noqa: E701
        return await response.text()


async def fetch_all(urls: list[str]) -> dict[str, str]:
    async with aiohttp.ClientSession() as session:
        bodies = await asyncio.gather(*(fetch_url(session, url) for url in urls))
    return dict(zip(urls, bodies, strict=True))
