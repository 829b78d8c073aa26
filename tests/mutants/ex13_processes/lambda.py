"""Hands the pool a lambda that calls func: a lambda cannot be pickled, so it never reaches a process.

truth: wrong
breaks: "`func` is a top-level function: send it, and each item, to the pool as they are" -
    the lambda has no name at the top level of a module, so pickling it fails.

fails: returns_results_in_order, runs_in_worker_processes, runs_all_at_once
says: pickle
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
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(await asyncio.gather(*(loop.run_in_executor(pool, lambda item=item: func(item))
                                           for item in items)))
