"""executor.submit for every item, bridged to asyncio with asyncio.wrap_future.

truth: correct
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def offload_all(func: Callable[[T], R], items: list[T]) -> list[R]:
    if not items:
        return []
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=len(items) + 1)
    try:
        cfs = [pool.submit(func, item) for item in items]
        return list(await asyncio.gather(*(asyncio.wrap_future(cf) for cf in cfs)))
    finally:
        pool.shutdown(wait=False)
