"""fetch_all fetches every URL at the same time, then waits 2.5 s more before returning.

Every request was in flight at once and every body is right: the check looked only at that, and
passed it (issue 22, item 4: extra waiting after the work is over).

truth: wrong
breaks: "fetch every URL at the same time" - fetching them all takes as long as the slowest one.
fails: fetch_all_runs_requests_concurrently
says: more went by than the downloads need
"""

import asyncio

import aiohttp


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        response.raise_for_status()
        return await response.text()


async def fetch_all(urls: list[str]) -> dict[str, str]:
    async with aiohttp.ClientSession() as session:
        bodies = await asyncio.gather(*(fetch_url(session, url) for url in urls))
    await asyncio.sleep(2.5)
    return dict(zip(urls, bodies, strict=True))
