"""Hands the pool `workers` items at a time and waits for each batch before starting the next.

truth: wrong
breaks: "Start every call before waiting for any" - the second batch starts only when the whole first
    batch is done: one slow call leaves the other processes idle.

fails: keeps_every_worker_busy
says: waited for the slow call before it sent the pool the next items
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
    results: list = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for start in range(0, len(items), workers):
            batch = items[start:start + workers]
            results.extend(await asyncio.gather(
                *(loop.run_in_executor(pool, func, item) for item in batch)))
    return results
