"""Workers stop on a sentinel object (one per worker); a finally cancels them if we are cancelled.

truth: correct
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable

_STOP = object()


async def process_all(jobs: Iterable[str], handle: Callable[[str], Awaitable[str]], workers: int,
                      maxsize: int) -> tuple[dict[str, str], dict[str, Exception]]:
    queue: asyncio.Queue = asyncio.Queue(maxsize=maxsize)
    results: dict[str, str] = {}
    errors: dict[str, Exception] = {}

    async def worker() -> None:
        while True:
            job = await queue.get()
            if job is _STOP:
                return
            try:
                results[job] = await handle(job)
            except Exception as exc:  # the job failed, the worker carries on
                errors[job] = exc

    pool = [asyncio.create_task(worker()) for _ in range(workers)]
    try:
        for job in jobs:
            await queue.put(job)
        for _ in pool:
            await queue.put(_STOP)
        await asyncio.gather(*pool)
    finally:
        for task in pool:
            if not task.done():
                task.cancel()
        await asyncio.gather(*pool, return_exceptions=True)
    return results, errors
