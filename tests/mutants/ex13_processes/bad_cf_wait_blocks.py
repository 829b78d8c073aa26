"""Submits every call, then concurrent.futures.wait() for all of them on the loop's thread.

truth: wrong
breaks: "through `run_in_executor`, without blocking the event loop" - concurrent.futures.wait blocks
    the thread that runs the event loop until every call is done.

fails: runs_in_worker_processes
says: the event loop stood still
"""
from __future__ import annotations

import asyncio  # noqa: F401  (the stub imports it)
import concurrent.futures
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")




async def compute_all(func: Callable[[T], R], items: list[T], workers: int) -> list[R]:
    pool = ProcessPoolExecutor(max_workers=workers)
    try:
        futures = [pool.submit(func, item) for item in items]
        concurrent.futures.wait(futures)
        return [future.result() for future in futures]
    finally:
        pool.shutdown()
