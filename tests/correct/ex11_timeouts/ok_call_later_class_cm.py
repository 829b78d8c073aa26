"""Uses a call_later timer that cancels the fetch task, a class-based async context manager, TaskGroup writing results by index.

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
    task = asyncio.ensure_future(fetch())
    expired = False

    def expire() -> None:
        nonlocal expired
        if not task.done():
            expired = True
            task.cancel()

    timer = asyncio.get_running_loop().call_later(seconds, expire)
    try:
        return await task
    except asyncio.CancelledError:
        # our own timer cancelled the fetch, and nobody is cancelling us: that is a timeout
        me = asyncio.current_task()
        if expired and me is not None and me.cancelling() == 0:
            return None
        raise
    finally:
        timer.cancel()


class _Borrowed:
    """`async with _Borrowed(pool) as connection:` - acquire on entry, release on any exit."""

    def __init__(self, pool: Pool) -> None:
        self.pool = pool
        self.connection: Connection | None = None

    async def __aenter__(self) -> Connection:
        self.connection = await self.pool.acquire()
        return self.connection

    async def __aexit__(self, exc_type, exc, tb) -> bool:
        assert self.connection is not None
        self.pool.release(self.connection)
        self.connection = None
        return False  # never swallow the error or the cancellation


async def run_query(pool: Pool, sql: str) -> str:
    async with _Borrowed(pool) as connection:
        return await connection.execute(sql)


async def run_all(jobs: list[Callable[[], Awaitable[str]]]) -> list[str]:
    results: list[str] = [""] * len(jobs)

    async def run_into(index: int, job: Callable[[], Awaitable[str]]) -> None:
        results[index] = await job()

    async with asyncio.TaskGroup() as group:
        for index, job in enumerate(jobs):
            group.create_task(run_into(index, job))
    return results
