"""All run_in_executor futures started, asyncio.wait(ALL_COMPLETED), results read in item order.

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
    if not items:
        return []
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [loop.run_in_executor(pool, func, item) for item in items]
        await asyncio.wait(futures)
        return [future.result() for future in futures]
