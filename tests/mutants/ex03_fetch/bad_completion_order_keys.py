"""Builds the dict with as_completed, inserting each URL when its download finishes.

truth: wrong
breaks: "return {url: body} with the keys in the order of `urls` (not the order the downloads
    finished in)" - keys come out in finishing order; == on dicts ignores order, so the result
    still compares equal to the expected dict, but list(result) != urls.
fails: fetch_all_returns_every_body_in_order
says: not in the order of urls
"""

import asyncio

import aiohttp


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        response.raise_for_status()
        return await response.text()


async def fetch_all(urls: list[str]) -> dict[str, str]:
    async def pair(session: aiohttp.ClientSession, url: str) -> tuple[str, str]:
        return url, await fetch_url(session, url)

    results: dict[str, str] = {}
    async with aiohttp.ClientSession() as session:
        for done in asyncio.as_completed([pair(session, url) for url in urls]):
            url, body = await done
            results[url] = body
    return results
