"""A pool of min(workers, len(items)) processes: for no items that is a pool of 0, which raises.

truth: wrong
breaks: "Return the results in the order of `items`" - for an empty list the answer is an empty
    list, but ProcessPoolExecutor(max_workers=0) raises ValueError.

fails: returns_results_in_order
says: for no items
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
    with ProcessPoolExecutor(max_workers=min(workers, len(items))) as pool:
        return await asyncio.gather(*(loop.run_in_executor(pool, func, item) for item in items))
