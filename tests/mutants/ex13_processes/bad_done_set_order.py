"""asyncio.wait for all the futures, then reads the results from the `done` set.

truth: wrong
breaks: "Return the results in the order of `items`" - a set has no order: the results come back
    in whatever order the set iterates.

fails: returns_results_in_order
says: in the order of items
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")



async def compute_all(func: Callable[[T], R], items: list[T], workers: int) -> list[R]:
    if not items:
        return []
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        done, _ = await asyncio.wait([loop.run_in_executor(pool, func, item) for item in items])
        return [future.result() for future in done]
