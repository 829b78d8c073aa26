"""fetch_with_timeout with asyncio.wait(timeout=...) that returns None without cancelling the fetch.

truth: wrong
breaks: "A fetch that took too long must be stopped (not left running)." - asyncio.wait only stops
    waiting; the fetch task runs on in the background after None is returned.

fails: gives_up_after_the_timeout, lets_cancellation_through
says: still running
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
    done, _ = await asyncio.wait({task}, timeout=seconds)
    if task in done:
        return task.result()
    return None  # gave up waiting


async def run_query(pool: Pool, sql: str) -> str:
    connection = await pool.acquire()
    try:
        return await connection.execute(sql)
    finally:
        pool.release(connection)


async def run_all(jobs: list[Callable[[], Awaitable[str]]]) -> list[str]:
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(job()) for job in jobs]
    return [task.result() for task in tasks]
