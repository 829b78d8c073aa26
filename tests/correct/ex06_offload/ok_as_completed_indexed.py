"""to_thread calls tagged with their index, collected with as_completed into a list by position.

truth: correct
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def offload_all(func: Callable[[T], R], items: list[T]) -> list[R]:
    async def run(index: int, item: T) -> tuple[int, R]:
        return index, await asyncio.to_thread(func, item)

    tasks = [asyncio.create_task(run(i, item)) for i, item in enumerate(items)]
    results: list = [None] * len(items)
    try:
        for next_done in asyncio.as_completed(tasks):
            index, value = await next_done
            results[index] = value
    except BaseException:
        for task in tasks:
            task.cancel()
        raise
    return results
