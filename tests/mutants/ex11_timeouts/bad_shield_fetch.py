"""fetch_with_timeout that wraps the fetch in asyncio.shield inside wait_for.

truth: wrong
breaks: "A fetch that took too long must be stopped (not left running)." - the shield absorbs the
    cancellation: wait_for returns after `seconds` but the fetch itself keeps running.

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
    try:
        # shield so that a timeout does not break the fetch half-way
        return await asyncio.wait_for(asyncio.shield(fetch()), timeout=seconds)
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
    return [task.result() for task in tasks]
