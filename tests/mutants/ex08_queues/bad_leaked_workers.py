"""Waits with queue.join() and returns; the workers stay blocked on queue.get() for ever.

truth: wrong
breaks: "when process_all returns, or is cancelled, no worker task is left running" - the
    worker tasks are never stopped.

fails: no_worker_left_behind
says: still running
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
            except Exception as exc:
                errors[job] = exc
            finally:
                queue.task_done()

    for _ in range(workers):
        asyncio.create_task(worker())
    for job in jobs:
        await queue.put(job)
    await queue.join()
    return results, errors
