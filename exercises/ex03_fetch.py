"""Exercise 3 - Fetching URLs concurrently with aiohttp

What it is
    aiohttp is an HTTP client for asyncio. A `ClientSession` holds a pool of connections and is
    meant to be opened once and shared by many requests. A request is made with
    `async with session.get(url) as response:`; inside, `await response.text()` reads the body,
    `response.status` is the HTTP status and `response.raise_for_status()` raises
    `aiohttp.ClientResponseError` for 4xx and 5xx answers. Leaving the `async with` block releases
    the response, handing its connection back to the pool.

Why it matters
    Downloading is mostly waiting for the network. Five downloads of one second each take five
    seconds one after the other, and about one second when they all wait at the same time. A
    session per request throws the connection pool away; an error page read as if it were data
    hides failures; a response never released leaks its connection.

Your task
    1. `async def fetch_url(session, url) -> str`: GET `url` with `session` and return the body
       text. Raise `aiohttp.ClientResponseError` if the status is 4xx or 5xx. Release the response.
    2. `async def fetch_all(urls) -> dict[str, str]`: open ONE `aiohttp.ClientSession`, fetch every
       URL at the same time with `fetch_url`, close the session, and return {url: body} with the
       keys in the order of `urls` (not the order the downloads finished in).

Example
    >>> await fetch_all(["https://example.com/a", "https://example.com/b"])
    {'https://example.com/a': '...', 'https://example.com/b': '...'}

The checks use a fake server with simulated latency, so no network is needed.
Check your work with `grade exercise 3`; stuck? `grade hint 3`.
"""

import asyncio  # noqa: F401  (you will need it)

import aiohttp


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    raise NotImplementedError("write fetch_url")


async def fetch_all(urls: list[str]) -> dict[str, str]:
    raise NotImplementedError("write fetch_all")


if __name__ == "__main__":
    print("This file is graded, not run: `grade exercise 3` checks it (stuck? `grade hint 3`).")
