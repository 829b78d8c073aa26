"""The try/except sits around the worker's whole loop, so a failing job ends that worker.

truth: wrong
breaks: "When handle raises an exception for a job, `errors[job]` is that exception, and the
    worker goes on with the next job" - the error is recorded but the worker returns; with
    enough other workers the example still prints the right dicts (with all workers dead, join
    never returns).

fails: failing_job_does_not_stop_the_pool
says: stopped at its failed job
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
        job = None
        try:
            while True:
                job = await queue.get()
                results[job] = await handle(job)
                queue.task_done()
        except Exception as exc:
            errors[job] = exc
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
