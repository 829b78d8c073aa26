"""run_all that awaits the tasks one after the other and cancels the rest on the first error it sees.

truth: wrong
breaks: "If a job raises, cancel the jobs still running" - a failure of job 3 is only noticed once
    jobs 1 and 2 have finished, so the siblings run on (to completion) after the failure.

fails: run_all_cancels_the_rest_on_failure
says: cancelled as soon as one fails
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
    tasks = [asyncio.create_task(job()) for job in jobs]
    results = []
    try:
        for task in tasks:
            results.append(await task)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    return results
