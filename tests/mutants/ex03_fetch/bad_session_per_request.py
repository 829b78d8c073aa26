"""Fetches concurrently, but every URL gets its own ClientSession inside a helper.

truth: wrong
breaks: "open ONE `aiohttp.ClientSession`" - a session per request throws the connection pool away;
    N URLs open N sessions (all closed, all concurrent, same dict).
fails: fetch_all_uses_one_session
says: ClientSessions for
"""

import asyncio

import aiohttp


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        response.raise_for_status()
        return await response.text()


async def _download(url: str) -> str:
    async with aiohttp.ClientSession() as session:
        return await fetch_url(session, url)


async def fetch_all(urls: list[str]) -> dict[str, str]:
    bodies = await asyncio.gather(*(_download(url) for url in urls))
    return dict(zip(urls, bodies))
