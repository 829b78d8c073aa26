"""run_all runs the jobs in a TaskGroup, then waits 2.5 s more before returning their results.

Every job was in flight at once and the results are in order: the check looked only at that, and
passed it (issue 22, item 4: extra waiting after the work is over).

truth: wrong
breaks: "run every `job()` at the same time and return their results"
fails: run_all_returns_results
says: more went by than the jobs need
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
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(job()) for job in jobs]
    await asyncio.sleep(2.5)
    return [task.result() for task in tasks]
