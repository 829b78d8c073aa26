"""A one-process pool for every item, all the calls gathered; each pool shut down in its own with-block.

truth: wrong
breaks: "in a ProcessPoolExecutor of `workers` worker processes ... in no more than `workers`
    processes" - one process per item: with more items than workers, more processes than allowed.

fails: uses_at_most_workers_processes
says: worker processes at once
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")



async def one(func: Callable[[T], R], item: T) -> R:
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=1) as pool:
        return await loop.run_in_executor(pool, func, item)


async def compute_all(func: Callable[[T], R], items: list[T], workers: int) -> list[R]:
    return list(await asyncio.gather(*(one(func, item) for item in items)))
