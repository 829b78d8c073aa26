"""A loop of asyncio.wait(FIRST_COMPLETED) over the futures, each mapped to its index; the results go
into their slots, and the first failure cancels the rest and is raised.

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
    results: list = [None] * len(items)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        index_of = {loop.run_in_executor(pool, func, item): i for i, item in enumerate(items)}
        pending = set(index_of)
        while pending:
            done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            for future in done:
                if future.exception() is not None:
                    for other in pending:
                        other.cancel()
                    raise future.exception()
                results[index_of[future]] = future.result()
    return results
