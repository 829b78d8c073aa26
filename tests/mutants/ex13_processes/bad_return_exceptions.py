"""gather(..., return_exceptions=True): a failing call's exception is returned inside the list.

truth: wrong
breaks: "If `func` raises, the exception must reach the caller of compute_all" - it is returned as a
    list element, never raised.

fails: exceptions_propagate
says: was swallowed
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
    with ProcessPoolExecutor(max_workers=workers) as pool:
        calls = [loop.run_in_executor(pool, func, item) for item in items]
        return list(await asyncio.gather(*calls, return_exceptions=True))
