"""Submits every call to the pool, then collects them with concurrent future.result().

truth: wrong
breaks: "through `run_in_executor`, without blocking the event loop" - the calls do run at once in
    the pool, but .result() waits on the loop's thread, so the loop stands still meanwhile.

fails: runs_in_worker_processes
says: the event loop stood still
"""
from __future__ import annotations

import asyncio  # noqa: F401  (the stub imports it)
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")



async def compute_all(func: Callable[[T], R], items: list[T], workers: int) -> list[R]:
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(func, item) for item in items]
        return [future.result() for future in futures]
