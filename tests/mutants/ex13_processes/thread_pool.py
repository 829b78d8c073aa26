"""Runs the calls together in a ThreadPoolExecutor of `workers` threads, as exercise 6 did.

truth: wrong
breaks: "call `func(item)` for every item in a ProcessPoolExecutor of `workers` worker
    processes" - threads of one process compute one at a time (the GIL), and they run in the
    event loop's own process.

fails: runs_in_worker_processes, runs_all_at_once
says: threads of the event loop's own process
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def compute_all(func: Callable[[T], R], items: list[T], workers: int) -> list[R]:
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return list(await asyncio.gather(*(loop.run_in_executor(pool, func, item)
                                           for item in items)))
