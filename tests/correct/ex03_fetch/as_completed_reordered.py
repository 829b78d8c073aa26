"""A correct alternative: as_completed, then put the results in the order of urls.
"""

import asyncio

import aiohttp

async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        if response.status >= 400:
            response.raise_for_status()
        return await response.text()


async def fetch_all(urls: list[str]) -> dict[str, str]:
    async def pair(url: str) -> tuple[str, str]:
        return url, await fetch_url(session, url)

    async with aiohttp.ClientSession() as session:
        found = dict([await done for done in asyncio.as_completed([pair(url) for url in urls])])
    return {url: found[url] for url in urls}
