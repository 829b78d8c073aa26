"""loop.run_in_executor with the loop's default pool (None), gathered in order.

truth: correct
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
    results = await asyncio.gather(*futures)
    return list(results)
