"""Guards the shared dicts with an asyncio.Lock - held across await handle(job).

truth: wrong
breaks: "`workers` worker tasks take jobs from the queue and run `await handle(job)`, all at
    the same time" - the lock is held during handle, so only one job runs at a time.

fails: workers_run_at_once
says: one at a time
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable


async def process_all(jobs: Iterable[str], handle: Callable[[str], Awaitable[str]], workers: int,
                      maxsize: int) -> tuple[dict[str, str], dict[str, Exception]]:
    queue: asyncio.Queue[str] = asyncio.Queue(maxsize)
    results: dict[str, str] = {}
    errors: dict[str, Exception] = {}
    lock = asyncio.Lock()

    async def worker() -> None:
        while True:
            job = await queue.get()
            try:
                async with lock:
                    try:
                        results[job] = await handle(job)
                    except Exception as exc:
                        errors[job] = exc
            finally:
                queue.task_done()

    tasks = [asyncio.create_task(worker()) for _ in range(workers)]
    try:
        for job in jobs:
            await queue.put(job)
        await queue.join()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return results, errors
