"""pool.shutdown(wait=False) in a finally, "so the loop never waits for the processes to exit".

truth: wrong
breaks: "Shut the pool down before compute_all returns or raises: no worker process may be left
    running" - shutdown(wait=False) only asks the processes to stop; they are still alive when
    compute_all returns.

fails: shuts_the_pool_down, exceptions_propagate
says: without waiting for its worker processes
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
    pool = ProcessPoolExecutor(max_workers=workers)
    try:
        return await asyncio.gather(*(loop.run_in_executor(pool, func, item) for item in items))
    finally:
        pool.shutdown(wait=False)
