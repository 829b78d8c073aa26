"""run_query shields pool.acquire() from cancellation: cancelled while it waits, it ends
cancelled at once, and the connection the pool hands out a moment later is never given back. The
cancellation check tried only a cancel during the query, where this passes (issue 22, item 4).

truth: wrong
breaks: "no connection the pool hands it may be kept"
fails: query_cleans_up_when_cancelled
says: the pool then handed out a connection that was never given back
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
    connection = await asyncio.shield(pool.acquire())  # never lose a connection half-taken
    try:
        return await connection.execute(sql)
    finally:
        pool.release(connection)


async def run_all(jobs: list[Callable[[], Awaitable[str]]]) -> list[str]:
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(job()) for job in jobs]
    return [task.result() for task in tasks]
