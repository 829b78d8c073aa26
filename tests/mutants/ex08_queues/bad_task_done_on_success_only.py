"""Calls queue.task_done() only after a successful handle(job), not for failed jobs.

truth: wrong
breaks: "When handle raises an exception for a job, `errors[job]` is that exception, and the
    worker goes on with the next job" - the failed job is never marked done, so queue.join()
    waits for ever and process_all never returns its (results, errors).

fails: failing_job_does_not_stop_the_pool
says: never marked done with task_done()
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
                queue.task_done()
            except Exception as exc:
                errors[job] = exc

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
