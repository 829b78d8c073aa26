"""The worker stores handle's result only when it is truthy (`if result := await handle(job):`).

A job whose result is an empty string gets no entry in results. The checks' handle never returned
a falsy result, and passed it (issue 22, item 4: a falsy result is a real result).

truth: wrong
breaks: "`results[job]` is what handle returned for the job"
fails: every_job_done_once
says: an empty string is falsy, but a result like any other
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable


async def process_all(jobs: Iterable[str], handle: Callable[[str], Awaitable[str]], workers: int,
                      maxsize: int) -> tuple[dict[str, str], dict[str, Exception]]:
    queue: asyncio.Queue[str] = asyncio.Queue(maxsize)
    results: dict[str, str] = {}
    errors: dict[str, Exception] = {}

    async def worker() -> None:
        while True:
            job = await queue.get()
            try:
                if result := await handle(job):
                    results[job] = result
            except Exception as error:
                errors[job] = error
            finally:
                queue.task_done()

    pool = [asyncio.create_task(worker()) for _ in range(workers)]
    try:
        for job in jobs:
            await queue.put(job)  # waits while the queue is full
        await queue.join()
    finally:
        # Also when process_all itself is cancelled: no worker may outlive it.
        for task in pool:
            task.cancel()
        await asyncio.gather(*pool, return_exceptions=True)
    return results, errors
