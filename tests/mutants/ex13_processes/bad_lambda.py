"""Sends a lambda that calls func, instead of func itself.

truth: wrong
breaks: "a lambda or a function defined inside another function cannot be pickled" / "send it, and
    each item, to the pool as they are" - the lambda cannot reach a worker process.

fails: runs_in_worker_processes
says: cannot be pickled
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
        return await asyncio.gather(
            *(loop.run_in_executor(pool, lambda x=item: func(x)) for item in items))
