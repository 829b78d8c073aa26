"""list(pool.map(func, items)) called straight from the coroutine.

truth: wrong
breaks: "through `run_in_executor`, without blocking the event loop" - pool.map runs the calls in
    worker processes, but collecting its results waits on the loop's thread.

fails: runs_in_worker_processes
says: the event loop stood still
"""
from __future__ import annotations

import asyncio  # noqa: F401  (the stub imports it)
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")



async def compute_all(func: Callable[[T], R], items: list[T], workers: int) -> list[R]:
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(func, items))
