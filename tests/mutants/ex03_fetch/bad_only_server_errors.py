"""Raises only for 5xx answers, treating 4xx pages as valid bodies.

truth: wrong
breaks: "Raise `aiohttp.ClientResponseError` if the status is 4xx or 5xx" - the `>= 500` test lets
    every 4xx (404 Not Found, 403, 400...) through as data.
fails: fetch_url_raises_for_error_status
says: as if it were data
"""

import asyncio

import aiohttp


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        if response.status >= 500:  # server trouble; client errors still carry a useful page
            response.raise_for_status()
        return await response.text()


async def fetch_all(urls: list[str]) -> dict[str, str]:
    async with aiohttp.ClientSession() as session:
        bodies = await asyncio.gather(*[fetch_url(session, url) for url in urls])
    return dict(zip(urls, bodies))
