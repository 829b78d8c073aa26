"""One run_in_executor per item inside a `with ProcessPoolExecutor` block, gathered.

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
        return await asyncio.gather(*(loop.run_in_executor(pool, func, item) for item in items))
