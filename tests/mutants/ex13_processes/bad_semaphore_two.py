"""Gathers run_in_executor calls behind an asyncio.Semaphore(2) "to keep the machine responsive".

truth: wrong
breaks: "so that `workers` calls run at the same moment (all of them if there are no more items than
    workers)" - never more than two calls run at once, whatever `workers` is.

fails: runs_all_at_once
says: at most 2 at a time
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
    gate = asyncio.Semaphore(2)
    with ProcessPoolExecutor(max_workers=workers) as pool:

        async def one(item: T) -> R:
            async with gate:
                return await loop.run_in_executor(pool, func, item)

        return list(await asyncio.gather(*(one(item) for item in items)))
