"""Awaits each download before starting the next.

fails: fetch_all_runs_requests_concurrently
says: ran one at a time
"""

import asyncio

import aiohttp

async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        response.raise_for_status()
        return await response.text()


async def fetch_all(urls: list[str]) -> dict[str, str]:
    async with aiohttp.ClientSession() as session:
        return {url: await fetch_url(session, url) for url in urls}
