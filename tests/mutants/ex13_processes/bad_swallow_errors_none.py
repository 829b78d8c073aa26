"""Each call wrapped in try/except Exception that puts None in the failed item's place.

truth: wrong
breaks: "If `func` raises, the exception must reach the caller of compute_all" - the exception is
    caught and replaced with None; the caller never sees it.

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

        async def safe(item: T) -> R | None:
            try:
                return await loop.run_in_executor(pool, func, item)
            except Exception:
                return None

        return list(await asyncio.gather(*(safe(item) for item in items)))
