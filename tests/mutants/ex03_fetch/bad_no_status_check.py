"""Returns whatever body the server sent, never checking the HTTP status.

truth: wrong
breaks: "Raise `aiohttp.ClientResponseError` if the status is 4xx or 5xx" - a 404 or 500 error
    page comes back as if it were data.
fails: fetch_url_raises_for_error_status
says: as if it were data
"""

import asyncio

import aiohttp


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        return await response.text()


async def fetch_all(urls: list[str]) -> dict[str, str]:
    async with aiohttp.ClientSession() as session:
        bodies = await asyncio.gather(*(fetch_url(session, url) for url in urls))
    return dict(zip(urls, bodies))
