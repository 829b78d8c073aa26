"""A pool whose workers each serve up to len(items) calls (max_tasks_per_child), which makes it start
fresh interpreters; the calls gathered through run_in_executor inside a with-block.

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
    per_child = max(1, len(items))
    with ProcessPoolExecutor(max_workers=workers, max_tasks_per_child=per_child) as pool:
        return await asyncio.gather(*(loop.run_in_executor(pool, func, item) for item in items))
