"""Each worker keeps its own results/errors and returns them at the sentinel; main merges them.

truth: correct
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable

_SENTINEL = object()


async def process_all(jobs: Iterable[str], handle: Callable[[str], Awaitable[str]], workers: int,
                      maxsize: int) -> tuple[dict[str, str], dict[str, Exception]]:
    queue: asyncio.Queue = asyncio.Queue(maxsize)

    async def worker() -> tuple[dict[str, str], dict[str, Exception]]:
        mine: dict[str, str] = {}
        failed: dict[str, Exception] = {}
        while True:
            job = await queue.get()
            if job is _SENTINEL:
                return mine, failed
            try:
                mine[job] = await handle(job)
            except Exception as exc:
                failed[job] = exc

    tasks = [asyncio.create_task(worker()) for _ in range(workers)]
    try:
        for job in jobs:
            await queue.put(job)
        for _ in tasks:
            await queue.put(_SENTINEL)
        partials = await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
    results: dict[str, str] = {}
    errors: dict[str, Exception] = {}
    for mine, failed in partials:
        results.update(mine)
        errors.update(failed)
    return results, errors
