"""Collects results with asyncio.as_completed, appending them as they finish.

truth: wrong
breaks: "Return the results in the order of `items`" - the list is in completion order.

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
    loop = asyncio.get_running_loop()
    results = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [loop.run_in_executor(pool, func, item) for item in items]
        for next_done in asyncio.as_completed(futures):
            results.append(await next_done)
    return results
