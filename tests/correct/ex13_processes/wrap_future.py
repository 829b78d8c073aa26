"""pool.submit for every item, each concurrent future wrapped for asyncio with wrap_future.

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
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [asyncio.wrap_future(pool.submit(func, item)) for item in items]
        return list(await asyncio.gather(*futures))
