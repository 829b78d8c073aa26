"""fetch_with_timeout returns `answer or None`: an empty page that came in time reads as no answer.

The checks only ever fetched non-empty pages, and passed it (issue 22, item 4: a falsy answer is
a real answer).

truth: wrong
breaks: "return what `await fetch()` gives if it answers before `seconds` have passed"
fails: returns_a_quick_answer
says: (an empty page: falsy, but an answer like any other)
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
    answer = None
    try:
        async with asyncio.timeout(seconds):
            answer = await fetch()
    except TimeoutError:
        pass
    return answer or None  # nothing came back in time


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
