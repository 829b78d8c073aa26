"""Workers as tasks stopped with sentinels, awaited with asyncio.wait; cleanup in finally.

truth: correct
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable


async def process_all(jobs: Iterable[str], handle: Callable[[str], Awaitable[str]], workers: int,
                      maxsize: int) -> tuple[dict[str, str], dict[str, Exception]]:
    queue: asyncio.Queue[tuple[bool, str]] = asyncio.Queue(maxsize=maxsize)
    results: dict[str, str] = {}
    errors: dict[str, Exception] = {}

    async def worker() -> None:
        while True:
            stop, job = await queue.get()
            try:
                if stop:
                    break
                try:
                    results[job] = await handle(job)
                except Exception as exc:
                    errors[job] = exc
            finally:
                queue.task_done()

    tasks = {asyncio.create_task(worker()) for _ in range(workers)}
    try:
        for job in jobs:
            await queue.put((False, job))
        for _ in range(workers):
            await queue.put((True, ""))
        await asyncio.wait(tasks)
    finally:
        still_running = [t for t in tasks if not t.done()]
        for task in still_running:
            task.cancel()
        if still_running:
            await asyncio.wait(still_running)
    return results, errors
