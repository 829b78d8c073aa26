"""Uses asyncio.timeout_at, AsyncExitStack.callback(pool.release, ...), as_completed with cancel-and-gather.

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
    deadline = asyncio.get_running_loop().time() + seconds
    try:
        async with asyncio.timeout_at(deadline):
            result = await fetch()
    except TimeoutError:
        result = None
    return result

from contextlib import AsyncExitStack


async def run_query(pool: Pool, sql: str) -> str:
    async with AsyncExitStack() as stack:
        connection = await pool.acquire()
        stack.callback(pool.release, connection)
        return await connection.execute(sql)


async def run_all(jobs: list[Callable[[], Awaitable[str]]]) -> list[str]:
    tasks = [asyncio.create_task(_run(job)) for job in jobs]
    try:
        for next_done in asyncio.as_completed(tasks):
            await next_done  # raises as soon as any job fails
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    return [task.result() for task in tasks]


async def _run(job: Callable[[], Awaitable[str]]) -> str:
    return await job()
