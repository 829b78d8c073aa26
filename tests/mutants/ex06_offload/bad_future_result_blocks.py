"""Submits every call to a big enough pool, then collects with concurrent future.result().

truth: wrong
breaks: "... all at the same time, without blocking the event loop" - the calls do overlap in
    the pool, but future.result() waits on the loop's thread, so nothing else runs meanwhile.

fails: keeps_the_loop_free
says: stood still
"""

from __future__ import annotations

import asyncio  # noqa: F401
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def offload_all(func: Callable[[T], R], items: list[T]) -> list[R]:
    if not items:
        return []
    executor = ThreadPoolExecutor(max_workers=len(items))
    futures = [executor.submit(func, item) for item in items]
    try:
        return [f.result() for f in futures]
    finally:
        executor.shutdown(wait=False)
