"""A TaskGroup of run_in_executor calls; func's own exception is taken out of the ExceptionGroup and raised.

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
    with ProcessPoolExecutor(max_workers=workers) as pool:
        try:
            async with asyncio.TaskGroup() as group:
                tasks = [group.create_task(run(loop, pool, func, item)) for item in items]
        except* Exception as errors:
            raise errors.exceptions[0] from None
    return [task.result() for task in tasks]


async def run(loop: asyncio.AbstractEventLoop, pool: ProcessPoolExecutor,
              func: Callable[[T], R], item: T) -> R:
    return await loop.run_in_executor(pool, func, item)
