"""Every call through run_in_executor, gathered; the pool shut down (waiting) in a thread, so even the
shutdown leaves the loop free.

truth: correct
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
        return await asyncio.gather(*[loop.run_in_executor(pool, func, item) for item in items])
    finally:
        await asyncio.to_thread(pool.shutdown, wait=True)
