"""Awaits run_in_executor for each item in turn inside a for loop.

truth: wrong
breaks: "Start every call before waiting for any, so that `workers` calls run at the same moment" -
    each call is handed to the pool only after the previous one returned: one process computes
    at a time.

fails: runs_all_at_once
says: ran one at a time
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
        for item in items:
            results.append(await loop.run_in_executor(pool, func, item))
    return results
