"""Workers and feeding inside an asyncio.TaskGroup; None tells each worker to stop.

truth: correct
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable


async def process_all(jobs: Iterable[str], handle: Callable[[str], Awaitable[str]], workers: int,
                      maxsize: int) -> tuple[dict[str, str], dict[str, Exception]]:
    queue: asyncio.Queue[str | None] = asyncio.Queue(maxsize)
    results: dict[str, str] = {}
    errors: dict[str, Exception] = {}

    async def worker() -> None:
        while (job := await queue.get()) is not None:
            try:
                results[job] = await handle(job)
            except Exception as exc:
                errors[job] = exc

    # leaving the TaskGroup (normally or by cancellation) waits for every worker to end
    async with asyncio.TaskGroup() as tg:
        for _ in range(workers):
            tg.create_task(worker())
        for job in jobs:
            await queue.put(job)
        for _ in range(workers):
            await queue.put(None)
    return results, errors
