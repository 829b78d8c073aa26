"""as_completed over (url, body) helper coroutines, then rebuild the dict in the order of urls.

truth: correct
"""

import asyncio

import aiohttp


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        if response.status >= 400:
            response.raise_for_status()
        return await response.text()


async def _labelled(session: aiohttp.ClientSession, url: str) -> tuple[str, str]:
    return url, await fetch_url(session, url)


async def fetch_all(urls: list[str]) -> dict[str, str]:
    arrived: dict[str, str] = {}
    async with aiohttp.ClientSession() as session:
        tasks = [asyncio.create_task(_labelled(session, u)) for u in urls]
        try:
            for next_done in asyncio.as_completed(tasks):
                url, body = await next_done
                arrived[url] = body
        finally:
            # If one download failed, stop the others before the session closes under them.
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
    # Downloads arrive in any order; the answer lists them in the order asked for.
    return {url: arrived[url] for url in urls}
