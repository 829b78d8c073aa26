"""Limits downloads to three at a time with a semaphore, "to be polite to the server".

truth: wrong
breaks: "fetch every URL at the same time with `fetch_url`" - with more than three URLs the rest
    wait for a free slot (5 URLs of 1 s take 2 s, not 1 s); the two-URL Example is unaffected.
fails: fetch_all_runs_requests_concurrently
says: at most 3 at a time
"""

import asyncio

import aiohttp

MAX_CONCURRENT = 3


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        response.raise_for_status()
        return await response.text()


async def fetch_all(urls: list[str]) -> dict[str, str]:
    semaphore = asyncio.Semaphore(MAX_CONCURRENT)

    async def bounded(session: aiohttp.ClientSession, url: str) -> str:
        async with semaphore:
            return await fetch_url(session, url)

    async with aiohttp.ClientSession() as session:
        bodies = await asyncio.gather(*(bounded(session, url) for url in urls))
    return dict(zip(urls, bodies))
