"""A pool of min(workers, len(items)) processes (never fewer than one); on an error the queued calls
are cancelled with shutdown(cancel_futures=True), which still waits for the running ones.

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
    pool = ProcessPoolExecutor(max_workers=max(1, min(workers, len(items))))
    try:
        results = await asyncio.gather(*[loop.run_in_executor(pool, func, x) for x in items])
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return results
