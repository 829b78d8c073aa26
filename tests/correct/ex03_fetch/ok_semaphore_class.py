"""A Downloader class holding one session, with a semaphore sized to the whole batch.

truth: correct
"""

import asyncio

import aiohttp


async def fetch_url(session: aiohttp.ClientSession, url: str) -> str:
    async with session.get(url) as response:
        response.raise_for_status()
        return await response.text()


class Downloader:
    """Shares one ClientSession across every download; closes it on exit."""

    def __init__(self, max_in_flight: int) -> None:
        self._limit = asyncio.Semaphore(max(1, max_in_flight))
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> "Downloader":
        self._session = aiohttp.ClientSession()
        return self

    async def __aexit__(self, *exc_info) -> None:
        assert self._session is not None
        await self._session.close()

    async def get(self, url: str) -> str:
        assert self._session is not None
        async with self._limit:
            return await fetch_url(self._session, url)


async def fetch_all(urls: list[str]) -> dict[str, str]:
    # The limit equals the number of URLs, so every request still runs at the same time.
    async with Downloader(max_in_flight=len(urls)) as downloader:
        bodies = await asyncio.gather(*[downloader.get(url) for url in urls])
    return dict(zip(urls, bodies))
