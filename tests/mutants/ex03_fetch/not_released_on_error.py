"""fetch_url releases the response after reading it, but raises its own error for a 4xx/5xx
status before that, so an error response is never released.

fails: fetch_url_releases_response
says: on every path out of fetch_url
"""

import asyncio

import aiohttp


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    response = await session.get(url)
    if response.status >= 400:
        raise aiohttp.ClientResponseError(response.request_info, response.history,
                                          status=response.status, message=response.reason)
    text = await response.text()
    response.release()
    return text


async def fetch_all(urls: list[str]) -> dict[str, str]:
    async with aiohttp.ClientSession() as session:
        bodies = await asyncio.gather(*(fetch_url(session, url) for url in urls))
    return dict(zip(urls, bodies))
