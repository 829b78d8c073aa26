"""A TaskGroup of tasks that each await one call in the pool; when func raises, the exception
is taken out of the ExceptionGroup the TaskGroup raises, and raised itself.

truth: correct
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def compute_all(func: Callable[[T], R], items: list[T], workers: int) -> list[R]:
    loop = asyncio.get_running_loop()

    async def one(pool: ProcessPoolExecutor, item: T) -> R:
        return await loop.run_in_executor(pool, func, item)

    with ProcessPoolExecutor(max_workers=workers) as pool:
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(one(pool, item)) for item in items]
        except* Exception as failed:
            raise failed.exceptions[0] from None
    return [task.result() for task in tasks]
