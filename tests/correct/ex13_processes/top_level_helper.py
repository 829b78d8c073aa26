"""Sends the pool a helper defined at the top level of the file, with func and the item: a
top-level function pickles by its name, and the worker processes find it.

truth: correct
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def apply(func: Callable[[T], R], item: T) -> R:
    return func(item)


async def compute_all(func: Callable[[T], R], items: list[T], workers: int) -> list[R]:
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(await asyncio.gather(*(loop.run_in_executor(pool, apply, func, item)
                                           for item in items)))
