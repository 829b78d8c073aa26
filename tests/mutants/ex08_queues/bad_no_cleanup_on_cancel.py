"""Stops the workers after join() - but not in a finally, so a cancelled call leaves them behind.

truth: wrong
breaks: "when process_all returns, or is cancelled, no worker task is left running" - the
    normal return is clean, but when process_all is cancelled while feeding or joining, the
    cleanup is skipped and the workers keep running.

fails: cancelling_stops_the_workers
says: kept running
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
    for job in jobs:
        await queue.put(job)
    await queue.join()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return results, errors
