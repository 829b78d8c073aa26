"""The worker catches BaseException around handle(job) "to record every failure".

truth: wrong
breaks: "when process_all returns, or is cancelled, no worker task is left running" - a worker
    cancelled while inside handle() swallows the CancelledError (recorded as an error) and goes
    back to queue.get(), so cancelling process_all cannot stop it (the normal path is fine).

fails: cancelling_stops_the_workers
says: caught the cancellation
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
            except BaseException as exc:
                errors[job] = exc  # type: ignore[assignment]
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
