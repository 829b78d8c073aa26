"""Uses asyncio.wait_for, release in except BaseException + after success, gather with manual cancel-and-await.

truth: correct
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Protocol


class Connection(Protocol):
    async def execute(self, sql: str) -> str: ...


class Pool(Protocol):
    async def acquire(self) -> Connection: ...

    def release(self, connection: Connection) -> None: ...


async def fetch_with_timeout(fetch: Callable[[], Awaitable[str]], seconds: float) -> str | None:
    try:
        return await asyncio.wait_for(fetch(), timeout=seconds)
    except asyncio.TimeoutError:  # the same class as TimeoutError since Python 3.11
        return None


async def run_query(pool: Pool, sql: str) -> str:
    connection = await pool.acquire()
    try:
        result = await connection.execute(sql)
    except BaseException:  # errors and cancellation alike: give it back, then re-raise
        pool.release(connection)
        raise
    pool.release(connection)
    return result


async def run_all(jobs: list[Callable[[], Awaitable[str]]]) -> list[str]:
    tasks = [asyncio.ensure_future(job()) for job in jobs]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)  # wait until they have stopped
        raise
