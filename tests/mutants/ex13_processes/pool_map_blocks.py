"""pool.map inside the coroutine: the calls run in worker processes, the loop waits for them.

truth: wrong
breaks: "through `run_in_executor`, without blocking the event loop" - pool.map returns results
    as they come, and the loop's thread waits for each of them.

fails: runs_in_worker_processes
says: stood still
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def compute_all(func: Callable[[T], R], items: list[T], workers: int) -> list[R]:
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(func, items))
