"""Calls func directly in a list comprehension inside the coroutine.

truth: wrong
breaks: "call `func(item)` for every item in a ProcessPoolExecutor ... without blocking the event
    loop" - func runs on the loop's own thread, one call after another, and nothing else runs.

fails: runs_in_worker_processes, runs_all_at_once
says: event loop's own thread
"""
from __future__ import annotations

import asyncio  # noqa: F401  (the stub imports it)
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor  # noqa: F401  (the stub imports it)
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")



async def compute_all(func: Callable[[T], R], items: list[T], workers: int) -> list[R]:
    return [func(item) for item in items]
