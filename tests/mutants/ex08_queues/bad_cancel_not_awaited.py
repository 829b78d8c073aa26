"""Cancels every worker in a finally, but returns without waiting for them to end.

truth: wrong
breaks: "when process_all returns, or is cancelled, no worker task is left running" - cancel()
    only requests cancellation; the tasks are still pending when process_all returns.

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

    tasks = [asyncio.create_task(worker()) for _ in range(workers)]
    try:
        for job in jobs:
            await queue.put(job)
        await queue.join()
    finally:
        for task in tasks:
            task.cancel()
    return results, errors
