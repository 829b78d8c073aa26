"""Starts the run_in_executor calls inside the with-block but awaits them after leaving it.

truth: wrong
breaks: "without blocking the event loop" - leaving the with-block shuts the pool down and waits for
    every call to finish, on the loop's thread, before the gather is even awaited.

fails: runs_in_worker_processes
says: the event loop stood still
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
        futures = [loop.run_in_executor(pool, func, item) for item in items]
    return list(await asyncio.gather(*futures))
