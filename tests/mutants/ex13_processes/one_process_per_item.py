"""A pool with one worker process per item, whatever `workers` says.

truth: wrong
breaks: "in no more than `workers` processes" - five items start five processes.

fails: uses_at_most_workers_processes
says: ran 5 worker processes at once
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
    with ProcessPoolExecutor(max_workers=max(1, len(items))) as pool:
        return list(await asyncio.gather(*(loop.run_in_executor(pool, func, item)
                                           for item in items)))
