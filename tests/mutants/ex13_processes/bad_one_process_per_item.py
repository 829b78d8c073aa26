"""A pool of len(items) processes, "so every item gets its own core".

truth: wrong
breaks: "in no more than `workers` processes" - with more items than workers, more than `workers`
    processes compute at once.

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



async def compute_all(func: Callable[[T], R], items: list[T], workers: int) -> list[R]:
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=max(1, len(items))) as pool:
        return await asyncio.gather(*(loop.run_in_executor(pool, func, item) for item in items))
