"""Shares one session correctly but downloads the URLs one after another in a for loop.

truth: wrong
breaks: "fetch every URL at the same time with `fetch_url`" - each await finishes one download
    before the next starts, so N downloads take N times as long; the dict is still right.
fails: fetch_all_runs_requests_concurrently
says: one at a time
"""

import asyncio  # noqa: F401

import aiohttp


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        response.raise_for_status()
        return await response.text()


async def fetch_all(urls: list[str]) -> dict[str, str]:
    results = {}
    async with aiohttp.ClientSession() as session:
        for url in urls:
            results[url] = await fetch_url(session, url)
    return results
