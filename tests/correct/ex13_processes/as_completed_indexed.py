"""Calls tagged with their index, collected with as_completed into a list by position.

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

    async def run(index: int, item: T, pool: ProcessPoolExecutor) -> tuple[int, R]:
        return index, await loop.run_in_executor(pool, func, item)

    results: list = [None] * len(items)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for next_done in asyncio.as_completed([run(i, item, pool) for i, item in enumerate(items)]):
            index, value = await next_done
            results[index] = value
    return results
