"""Classic pool: worker tasks loop on queue.get, queue.join, then cancel and gather the workers.

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

    async def worker() -> None:
        while True:
            job = await queue.get()
            try:
                results[job] = await handle(job)
            except Exception as exc:
                errors[job] = exc
            finally:
                queue.task_done()

    tasks = [asyncio.create_task(worker(), name=f"worker-{i}") for i in range(workers)]
    try:
        for job in jobs:
            await queue.put(job)
        await queue.join()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return results, errors
