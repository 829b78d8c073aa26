"""asyncio.to_thread for every item, gathered (what exercise 6 taught, reused).

truth: wrong
breaks: "call `func(item)` for every item in a ProcessPoolExecutor of `workers` worker processes" -
    to_thread runs func in threads of this process, not in worker processes.

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
    return list(await asyncio.gather(*(asyncio.to_thread(func, item) for item in items)))
