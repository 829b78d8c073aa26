"""Returns the results in reverse order.

fails: returns_results_in_order
says: in the order of items
"""

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def offload_all(func: Callable[[T], R], items: list[T]) -> list[R]:
    results = await asyncio.gather(*(asyncio.to_thread(func, item) for item in items))
    return list(reversed(results))
