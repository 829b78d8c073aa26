"""Collects run_in_executor futures with asyncio.as_completed in an async for, as they finish.

truth: wrong
breaks: "Return the results in the order of `items`" - the list is in completion order.

fails: returns_results_in_order
says: in the order of items
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def offload_all(func: Callable[[T], R], items: list[T]) -> list[R]:
    loop = asyncio.get_running_loop()
    futures = [loop.run_in_executor(None, func, item) for item in items]
    results = []
    for next_done in asyncio.as_completed(futures):
        results.append(await next_done)
    return results
