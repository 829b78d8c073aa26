"""Sends the pool a function defined inside compute_all: it cannot be pickled either.

truth: wrong
breaks: "`func` is a top-level function: send it, and each item, to the pool as they are" -
    a function made inside another function has no name at the top level of a module.

fails: returns_results_in_order, exceptions_propagate
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

    def compute(item: T) -> R:
        return func(item)

    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(await asyncio.gather(*(loop.run_in_executor(pool, compute, item)
                                           for item in items)))
