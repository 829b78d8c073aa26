"""A correct alternative: timeout_at with a deadline; a TaskGroup whose ExceptionGroup is unwrapped with except*."""

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
        return None
    return result


async def run_query(pool: Pool, sql: str) -> str:
    connection = await pool.acquire()
    try:
        result = await connection.execute(sql)
    except asyncio.CancelledError:
        pool.release(connection)
        raise
    except Exception:
        pool.release(connection)
        raise
    pool.release(connection)
    return result


async def run_all(jobs: list[Callable[[], Awaitable[str]]]) -> list[str]:
    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(job()) for job in jobs]
    except* Exception as failures:
        raise failures.exceptions[0] from None
    return [task.result() for task in tasks]
