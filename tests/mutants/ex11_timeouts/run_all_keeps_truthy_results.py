"""run_all leaves out the results that are falsy, as if an empty string were no result.

A job that returns an empty string has a result like any other: the list comes back one short.
The checks' jobs never returned a falsy value, and passed it (issue 22, item 4).

truth: wrong
breaks: "return their results in the order of `jobs`"
fails: run_all_returns_results
says: an empty string is falsy, but a result like any other
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
    return [task.result() for task in tasks if task.result()]  # skip jobs that gave nothing
