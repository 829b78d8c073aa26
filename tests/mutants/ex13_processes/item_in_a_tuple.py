"""Sends each item wrapped in a tuple, as if run_in_executor took the arguments as one sequence:
func is called with ('x',), not 'x'.

truth: wrong
breaks: "send it, and each item, to the pool as they are."
fails: exceptions_propagate, returns_results_in_order
says: called func with (
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def compute_all(func: Callable[[Any], R], items: list[T], workers: int) -> list[R]:
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(await asyncio.gather(*(loop.run_in_executor(pool, func, (item,))
                                           for item in items)))
