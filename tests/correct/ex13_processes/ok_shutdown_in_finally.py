"""A pool made by hand, every call started with run_in_executor and gathered; shutdown() in finally.

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
        futures = [loop.run_in_executor(pool, func, item) for item in items]
        return list(await asyncio.gather(*futures))
    finally:
        pool.shutdown(wait=True)
