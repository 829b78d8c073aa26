"""Each call wrapped in a coroutine that returns its index; as_completed fills a list by position.

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
    results: list = [None] * len(items)
    with ProcessPoolExecutor(max_workers=workers) as pool:

        async def one(index: int, item: T) -> tuple[int, R]:
            return index, await loop.run_in_executor(pool, func, item)

        tasks = [asyncio.create_task(one(i, item)) for i, item in enumerate(items)]
        try:
            for next_done in asyncio.as_completed(tasks):
                index, value = await next_done
                results[index] = value
        except BaseException:
            for task in tasks:
                task.cancel()
            raise
    return results
