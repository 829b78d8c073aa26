"""Shut down in finally without waiting, cancelling calls not started: the loop never waits for
the processes, which end by themselves once their calls are done.

truth: wrong
breaks: "Shut the pool down before compute_all returns or raises: no worker process may be left
    running." - written as correct from the lesson; issue 22 decided it against the lesson's
    words: the processes are still ending when compute_all returns.
fails: shuts_the_pool_down
says: shut down without waiting
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
    pool = ProcessPoolExecutor(max_workers=workers)
    try:
        return list(await asyncio.gather(*(loop.run_in_executor(pool, func, item)
                                           for item in items)))
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
