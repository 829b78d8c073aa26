"""run_query takes the connection inside its try, so its finally releases a connection it may
not have: cancelled while pool.acquire() still waits, it raises UnboundLocalError instead of ending
cancelled. The cancellation check tried only a cancel during the query, where this passes
(issue 22, item 4).

truth: wrong
breaks: "when run_query is cancelled (let the cancellation propagate) - during the query, or
    while it still waits for `pool.acquire()`"
fails: query_cleans_up_when_cancelled
says: while it still waited for pool.acquire() to give it a connection, should end cancelled, but raised UnboundLocalError
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
    try:
        connection = await pool.acquire()
        return await connection.execute(sql)
    finally:
        pool.release(connection)


async def run_all(jobs: list[Callable[[], Awaitable[str]]]) -> list[str]:
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(job()) for job in jobs]
    return [task.result() for task in tasks]
