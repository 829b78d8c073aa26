"""run_all that cancels the unfinished tasks after a failure but raises without awaiting them.

truth: wrong
breaks: "cancel the jobs still running, wait until they have stopped, then raise the error" - the
    jobs are only asked to stop; run_all raises while their cleanup is still pending.

fails: run_all_cancels_the_rest_on_failure
says: did not wait for them
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
    try:
        return list(await asyncio.gather(*tasks))
    except Exception:
        for task in tasks:
            if not task.done():
                task.cancel()
        raise
