"""Awaits session.get without `async with` and raises its own error before touching the body.

truth: wrong
breaks: "Release the response." - the response is never released: no `async with`, no
    release(); on a 4xx/5xx answer the hand-built ClientResponseError is raised before the body is
    read, so unless aiohttp happened to buffer the whole error body already, its connection stays
    checked out of the pool (success paths read to the end and look fine).
fails: fetch_url_releases_response
says: never released
"""

import asyncio

import aiohttp


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    response = await session.get(url)
    if response.status >= 400:
        raise aiohttp.ClientResponseError(
            response.request_info,
            response.history,
            status=response.status,
            message=response.reason or "",
            headers=response.headers,
        )
    return await response.text()


async def fetch_all(urls: list[str]) -> dict[str, str]:
    async with aiohttp.ClientSession() as session:
        bodies = await asyncio.gather(*(fetch_url(session, url) for url in urls))
    return dict(zip(urls, bodies))
