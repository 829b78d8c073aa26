"""pool.shutdown() after the gather, not in a finally: skipped when func raises.

truth: wrong
breaks: "Shut the pool down before compute_all returns or raises" - when a call raises, the
    exception leaves compute_all before shutdown() runs and the processes stay alive.

fails: exceptions_propagate
says: was never shut down
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
    results = await asyncio.gather(*(loop.run_in_executor(pool, func, item) for item in items))
    pool.shutdown()
    return results
