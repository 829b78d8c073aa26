"""A ThreadPoolExecutor of three workers for the run_in_executor calls.

truth: wrong
breaks: "With four items, all four calls must be running at the same moment (if you make a
    pool of your own, give it at least four workers)" - three workers run at most three at once.

fails: runs_all_at_once
says: max_workers=3
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

_POOL = ThreadPoolExecutor(max_workers=3, thread_name_prefix="offload")


async def offload_all(func: Callable[[T], R], items: list[T]) -> list[R]:
    loop = asyncio.get_running_loop()
    return list(await asyncio.gather(
        *(loop.run_in_executor(_POOL, func, item) for item in items)
    ))
