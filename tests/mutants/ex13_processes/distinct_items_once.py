"""Computes each distinct item once and hands the same result to every place it appears: an
item given twice is computed once.

truth: wrong
breaks: "one call per item, so an item that appears twice is computed twice."
fails: keeps_every_worker_busy
says: though it appears twice in items
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
    distinct = list(dict.fromkeys(items))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        done = await asyncio.gather(*(loop.run_in_executor(pool, func, item)
                                      for item in distinct))
    computed = dict(zip(distinct, done, strict=True))
    return [computed[item] for item in items]
