"""Blocks the event loop on a threading.Event nobody sets, with a timeout far past the check's
time limit, after checking the status: no proof of a deadlock (the wait ends by itself), only
the time limit stops it.

fails: fetch_url_returns_body
says: The event loop was blocked: fetch_url() was running `threading.Event().wait(600)`
"""

import asyncio
import threading

import aiohttp


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        response.raise_for_status()
        threading.Event().wait(600)
        return await response.text()


async def fetch_all(urls: list[str]) -> dict[str, str]:
    async with aiohttp.ClientSession() as session:
        bodies = await asyncio.gather(*(fetch_url(session, url) for url in urls))
    return dict(zip(urls, bodies, strict=True))
