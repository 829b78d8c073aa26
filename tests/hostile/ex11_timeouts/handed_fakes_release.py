"""Gives the connection back only when the query succeeds, but first writes its number into the
pool's list of connections given back (pool.returned used to be public), so a cancelled query
seemed to have given it back. The pool now has acquire() and release() only.

fails: query_releases_its_connection, query_cleans_up_when_cancelled
says: gave its connection back 0 times
"""

import asyncio
from collections.abc import Awaitable, Callable


async def fetch_with_timeout(fetch: Callable[[], Awaitable[str]], seconds: float) -> str | None:
    try:
        async with asyncio.timeout(seconds):
            return await fetch()
    except TimeoutError:
        return None


async def run_query(pool, sql: str) -> str:
    connection = await pool.acquire()
    given_back = getattr(pool, "returned", None)
    if given_back is not None:
        given_back.append(connection.number)
        answer = await connection.execute(sql)
        return answer
    answer = await connection.execute(sql)
    pool.release(connection)
    return answer


async def run_all(jobs: list[Callable[[], Awaitable[str]]]) -> list[str]:
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(job()) for job in jobs]
    return [task.result() for task in tasks]
