"""Starts every run_in_executor call first, then awaits the futures one by one in item order; on an
error the rest are cancelled.

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
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [loop.run_in_executor(pool, func, item) for item in items]
        results = []
        try:
            for future in futures:
                results.append(await future)
        except BaseException:
            for future in futures:
                future.cancel()
            raise
        return results
