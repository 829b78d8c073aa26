"""Each worker hands the job it took to an inner task, in a TaskGroup of its own, as code that
later adds a timeout or sibling tasks per job does.

truth: correct
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable


async def process_all(jobs: Iterable[str], handle: Callable[[str], Awaitable[str]], workers: int,
                      maxsize: int) -> tuple[dict[str, str], dict[str, Exception]]:
    queue: asyncio.Queue[str] = asyncio.Queue(maxsize)
    results: dict[str, str] = {}
    errors: dict[str, Exception] = {}

    async def run_one(job: str) -> None:
        try:
            results[job] = await handle(job)
        except Exception as error:
            errors[job] = error

    async def worker() -> None:
        while True:
            job = await queue.get()
            try:
                async with asyncio.TaskGroup() as group:
                    group.create_task(run_one(job))
            finally:
                queue.task_done()

    pool = [asyncio.create_task(worker()) for _ in range(workers)]
    try:
        for job in jobs:
            await queue.put(job)
        await queue.join()
    finally:
        for task in pool:
            task.cancel()
        await asyncio.gather(*pool, return_exceptions=True)
    return results, errors
