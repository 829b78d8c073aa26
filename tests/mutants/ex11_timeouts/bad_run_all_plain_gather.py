"""run_all with a plain asyncio.gather: the first error propagates, the other jobs run on.

truth: wrong
breaks: "If a job raises, cancel the jobs still running, wait until they have stopped, then raise
    the error" - gather without return_exceptions raises at once and leaves the other jobs
    running with nobody waiting for them.

fails: run_all_cancels_the_rest_on_failure
says: still running: the other jobs must be cancelled
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
        async with asyncio.timeout(seconds):
            return await fetch()
    except TimeoutError:
        return None


async def run_query(pool: Pool, sql: str) -> str:
    connection = await pool.acquire()
    try:
        return await connection.execute(sql)
    finally:
        pool.release(connection)


async def run_all(jobs: list[Callable[[], Awaitable[str]]]) -> list[str]:
    return list(await asyncio.gather(*(job() for job in jobs)))
