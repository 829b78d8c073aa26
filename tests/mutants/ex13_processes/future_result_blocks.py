"""Submits every call to the pool, then collects them with concurrent future.result().

truth: wrong
breaks: "without blocking the event loop" - the calls do run at once in the worker processes,
    but future.result() waits on the loop's thread, so nothing else runs meanwhile.

fails: runs_in_worker_processes
says: stood still
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def compute_all(func: Callable[[T], R], items: list[T], workers: int) -> list[R]:
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(func, item) for item in items]
        return [future.result() for future in futures]
