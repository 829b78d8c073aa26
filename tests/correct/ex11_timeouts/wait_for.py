"""A correct alternative: asyncio.wait_for; run_all with gather, cancelling and awaiting the rest by hand."""

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
        return await asyncio.wait_for(fetch(), timeout=seconds)
    except asyncio.TimeoutError:
        return None


async def run_query(pool: Pool, sql: str) -> str:
    connection = await pool.acquire()
    try:
        return await connection.execute(sql)
    finally:
        pool.release(connection)


async def run_all(jobs: list[Callable[[], Awaitable[str]]]) -> list[str]:
    tasks = [asyncio.ensure_future(job()) for job in jobs]
    try:
        return list(await asyncio.gather(*tasks))
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
