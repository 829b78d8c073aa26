"""Calls func directly inside the coroutine: the work computes on the event loop's own thread.

truth: wrong
breaks: "call `func(item)` ... in a ProcessPoolExecutor ... without blocking the event loop" -
    every call runs on the loop's thread, one after another, and nothing else runs meanwhile.

fails: runs_in_worker_processes, runs_all_at_once
says: event loop's own thread
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def compute_all(func: Callable[[T], R], items: list[T], workers: int) -> list[R]:
    return [func(item) for item in items]
