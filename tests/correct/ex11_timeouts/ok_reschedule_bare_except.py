"""Uses asyncio.timeout(None).reschedule(...), bare except/else release, a FIRST_COMPLETED wait loop that cancels the rest in finally.

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
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(None) as limit:
            limit.reschedule(loop.time() + seconds)
            return await fetch()
    except TimeoutError:
        return None


async def run_query(pool: Pool, sql: str) -> str:
    connection = await pool.acquire()
    try:
        rows = await connection.execute(sql)
    except:  # noqa: E722 - on purpose: CancelledError too, and it is re-raised
        pool.release(connection)
        raise
    else:
        pool.release(connection)
    return rows


async def run_all(jobs: list[Callable[[], Awaitable[str]]]) -> list[str]:
    tasks = [asyncio.ensure_future(job()) for job in jobs]
    pending = set(tasks)
    try:
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                if task.exception() is not None:
                    raise task.exception()
    finally:
        if pending:  # a job failed, or we were cancelled: stop the rest and wait for them
            for task in pending:
                task.cancel()
            await asyncio.wait(pending)
    return [task.result() for task in tasks]
