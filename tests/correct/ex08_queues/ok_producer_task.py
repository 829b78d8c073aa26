"""A producer task feeds the bounded queue; wait for it and for queue.join(), then stop everyone.

truth: correct
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Iterable


async def process_all(jobs: Iterable[str], handle: Callable[[str], Awaitable[str]], workers: int,
                      maxsize: int) -> tuple[dict[str, str], dict[str, Exception]]:
    queue: asyncio.Queue[str] = asyncio.Queue(maxsize)
    results: dict[str, str] = {}
    errors: dict[str, Exception] = {}

    async def produce() -> None:
        for job in jobs:
            await queue.put(job)

    async def consume() -> None:
        while True:
            job = await queue.get()
            try:
                results[job] = await handle(job)
            except Exception as exc:
                errors[job] = exc
            queue.task_done()

    consumers = [asyncio.create_task(consume()) for _ in range(workers)]
    producer = asyncio.create_task(produce())
    everyone = [producer, *consumers]
    try:
        await producer
        await queue.join()
    finally:
        for task in everyone:
            task.cancel()
        for task in everyone:
            with contextlib.suppress(asyncio.CancelledError):
                await task
    return results, errors
