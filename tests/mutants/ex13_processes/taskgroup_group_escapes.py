"""A TaskGroup of tasks that each await one call in the pool, and the ExceptionGroup it raises
when func raises let out as it is.

truth: wrong
breaks: "compute_all must raise that exception itself ... not one that wraps it (a TaskGroup
    raises its tasks' errors wrapped in an ExceptionGroup)" - issue 22 decided it: the caller
    gets func's exception as gather lets it out.
fails: exceptions_propagate
says: which wraps it
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
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(one(pool, item)) for item in items]
    return [task.result() for task in tasks]
