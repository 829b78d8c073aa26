"""Waits for every run_in_executor future with asyncio.wait, then reads the `done` set.

truth: wrong
breaks: "Return the results in the order of `items`" - a set has no order.

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
    done, _ = await asyncio.wait([loop.run_in_executor(None, func, item) for item in items])
    return [future.result() for future in done]
