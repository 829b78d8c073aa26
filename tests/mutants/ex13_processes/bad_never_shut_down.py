"""A pool made by hand and never shut down.

truth: wrong
breaks: "Shut the pool down before compute_all returns or raises: no worker process may be left
    running" - the worker processes stay alive after compute_all returns.

fails: shuts_the_pool_down, exceptions_propagate
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
    return await asyncio.gather(*(loop.run_in_executor(pool, func, item) for item in items))
