"""Workers in a TaskGroup; after queue.join() the body cancels them and the group awaits them.

truth: correct
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable


async def process_all(jobs: Iterable[str], handle: Callable[[str], Awaitable[str]], workers: int,
                      maxsize: int) -> tuple[dict[str, str], dict[str, Exception]]:
    queue: asyncio.Queue[str] = asyncio.Queue(maxsize=maxsize)
    results: dict[str, str] = {}
    errors: dict[str, Exception] = {}

    async def consume() -> None:
        while True:
            job = await queue.get()
            try:
                value = await handle(job)
            except Exception as exc:
                errors[job] = exc
            else:
                results[job] = value
            finally:
                queue.task_done()

    async with asyncio.TaskGroup() as tg:
        consumers = [tg.create_task(consume()) for _ in range(workers)]
        for job in jobs:
            await queue.put(job)
        await queue.join()
        for consumer in consumers:
            consumer.cancel()
    return results, errors
