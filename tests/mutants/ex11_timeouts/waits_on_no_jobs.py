"""run_all with asyncio.wait(FIRST_EXCEPTION), which raises ValueError when there are no jobs.

fails: run_all_with_no_jobs
says: ValueError
passes: run_all_returns_results
"""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Protocol


class Connection(Protocol):
    async def execute(self, sql: str) -> str: ...


class Pool(Protocol):
    async def acquire(self) -> Connection: ...

    def release(self, connection: Connection) -> None: ...

import contextlib


async def fetch_with_timeout(fetch: Callable[[], Awaitable[str]], seconds: float) -> str | None:
    task = asyncio.ensure_future(fetch())
    try:
        done, _ = await asyncio.wait([task], timeout=seconds)
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
    return task.result() if done else None


@contextlib.asynccontextmanager
async def borrowed(pool: Pool):
    connection = await pool.acquire()
    try:
        yield connection
    finally:
        pool.release(connection)


async def run_query(pool: Pool, sql: str) -> str:
    async with borrowed(pool) as connection:
        return await connection.execute(sql)


async def run_all(jobs: list[Callable[[], Awaitable[str]]]) -> list[str]:
    tasks = [asyncio.ensure_future(job()) for job in jobs]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending)
    for task in tasks:
        if task.done() and not task.cancelled() and task.exception() is not None:
            raise task.exception()
    return [task.result() for task in tasks]
