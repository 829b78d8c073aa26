"""fetch_all leaves out the URLs whose body is empty, as if an empty page were no page.

A 200 response with an empty body is a body like any other: its URL must be in the dict. The
checks' server never sent an empty page, and passed it (issue 22, item 4).

truth: wrong
breaks: "return {url: body} with the keys in the order of `urls`"
fails: fetch_all_returns_every_body_in_order
says: falsy, but a body like any other
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
    return {url: body for url, body in zip(urls, bodies, strict=True) if body}  # no blank pages
