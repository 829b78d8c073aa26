"""pool.map run in a worker thread through run_in_executor(None, ...): map submits every call at
once and yields the results in order; the loop waits for the thread, not for the processes.

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
        return await loop.run_in_executor(None, lambda: list(pool.map(func, items)))
