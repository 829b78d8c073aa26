"""ProcessPoolExecutor() with no max_workers: as many processes as the machine has cores.

truth: wrong
breaks: "in a ProcessPoolExecutor of `workers` worker processes ... so that `workers` calls run at the
    same moment" - the pool size is the core count, not `workers`: fewer (or more) calls at once.

fails: runs_all_at_once
says: made without max_workers
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
    with ProcessPoolExecutor() as pool:
        return await asyncio.gather(*(loop.run_in_executor(pool, func, item) for item in items))
