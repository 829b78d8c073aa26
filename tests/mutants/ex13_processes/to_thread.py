"""Gathers asyncio.to_thread calls: the default thread pool, not worker processes.

truth: wrong
breaks: "call `func(item)` for every item in a ProcessPoolExecutor of `workers` worker
    processes" - to_thread runs func in threads of the loop's own process.

fails: runs_in_worker_processes, runs_all_at_once
says: threads of the event loop's own process
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def compute_all(func: Callable[[T], R], items: list[T], workers: int) -> list[R]:
    return list(await asyncio.gather(*(asyncio.to_thread(func, item) for item in items)))
