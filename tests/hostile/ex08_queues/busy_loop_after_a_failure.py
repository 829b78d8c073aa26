"""A worker spins in `while True: pass` after a failing job: the event loop is held for good. The
message names the busy loop and its line, not the `True` its condition evaluates, and says
what is wrong with it (issue 22, item 5).

fails: failing_job_does_not_stop_the_pool
says: The loop at line 28 is a busy loop: it goes round without ever pausing at an await
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
                while True:  # wait for someone to look at it
                    pass
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
