"""Uses asyncio.wait with a timeout then cancel-and-wait, an asynccontextmanager for the connection, asyncio.wait(FIRST_EXCEPTION).

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
    try:
        done, _ = await asyncio.wait({task}, timeout=seconds)
        if task in done:
            return task.result()
        return None
    finally:
        # too late, or we were cancelled ourselves: stop the fetch and wait until it has stopped
        if not task.done():
            task.cancel()
            await asyncio.wait({task})

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


@asynccontextmanager
async def _connection(pool: Pool) -> AsyncIterator[Connection]:
    connection = await pool.acquire()
    try:
        yield connection
    finally:
        pool.release(connection)


async def run_query(pool: Pool, sql: str) -> str:
    async with _connection(pool) as connection:
        return await connection.execute(sql)


async def run_all(jobs: list[Callable[[], Awaitable[str]]]) -> list[str]:
    if not jobs:
        return []
    tasks = [asyncio.ensure_future(job()) for job in jobs]
    try:
        done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    except BaseException:  # we were cancelled: take the jobs down with us
        for task in tasks:
            task.cancel()
        await asyncio.wait(tasks)
        raise
    failed = [task for task in done if not task.cancelled() and task.exception() is not None]
    if failed:
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.wait(pending)
        raise failed[0].exception()
    return [task.result() for task in tasks]
