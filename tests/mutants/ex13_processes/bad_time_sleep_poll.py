"""Submits every call, then polls done() with time.sleep until all are finished.

truth: wrong
breaks: "without blocking the event loop" - time.sleep in the polling loop holds the loop's thread
    until every call has finished.

fails: runs_in_worker_processes
says: at the same place
"""
from __future__ import annotations

import asyncio  # noqa: F401  (the stub imports it)
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")




async def compute_all(func: Callable[[T], R], items: list[T], workers: int) -> list[R]:
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(func, item) for item in items]
        while not all(future.done() for future in futures):
            time.sleep(0.01)
        return [future.result() for future in futures]
