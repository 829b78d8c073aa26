"""A worker that backs off for a day of simulated time after a failing job.

The pool never finishes within the check's limit, and nothing is deadlocked: the message says how
long the code asked to wait, not that it waits for something that never happens, and not why
queue.join() would never return (issue 22, item 5).

truth: wrong
breaks: "When handle raises an exception for a job, `errors[job]` is that exception, and the
    worker goes on with the next job."
fails: failing_job_does_not_stop_the_pool
says: of simulated time (an asyncio.sleep or a timeout that long), far past the 120 s
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
                results[job] = await handle(job)
            except Exception as error:
                errors[job] = error
                await asyncio.sleep(3600 * 24)  # back off after an error
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
