"""run_in_executor(None, ...): the loop's default executor, a thread pool.

truth: wrong
breaks: "call `func(item)` for every item in a ProcessPoolExecutor of `workers` worker processes" -
    None means the default thread pool: no worker process ever runs func.

fails: runs_in_worker_processes, runs_all_at_once
says: threads of the event loop's own process
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor  # noqa: F401  (the stub imports it)
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")



async def compute_all(func: Callable[[T], R], items: list[T], workers: int) -> list[R]:
    loop = asyncio.get_running_loop()
    return await asyncio.gather(*(loop.run_in_executor(None, func, item) for item in items))
