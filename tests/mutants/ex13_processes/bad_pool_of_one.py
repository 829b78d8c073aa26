"""A pool of one worker process "to be safe on small machines".

truth: wrong
breaks: "so that `workers` calls run at the same moment" - one process runs the calls one at a time.

fails: runs_all_at_once
says: at most 1 at a time
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
    with ProcessPoolExecutor(max_workers=1) as pool:
        return await asyncio.gather(*(loop.run_in_executor(pool, func, item) for item in items))
