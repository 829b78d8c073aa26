"""run_query that releases the connection in `except Exception` and after success.

truth: wrong
breaks: "always give the connection back ... when run_query is cancelled during the query" -
    CancelledError is a BaseException, not an Exception, so a cancel leaks the connection.

fails: query_cleans_up_when_cancelled
says: gave its connection back 0 times
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
        result = await connection.execute(sql)
    except Exception:
        pool.release(connection)
        raise
    pool.release(connection)
    return result


async def run_all(jobs: list[Callable[[], Awaitable[str]]]) -> list[str]:
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(job()) for job in jobs]
    return [task.result() for task in tasks]
