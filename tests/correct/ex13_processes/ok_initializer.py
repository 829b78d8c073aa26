"""A pool with a top-level initializer that counts the workers it set up; calls gathered as usual.

truth: correct
"""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


STARTED: list[int] = []


def note_start() -> None:
    """Runs once in each worker process as it starts (a cache would be warmed here)."""
    STARTED.append(1)


async def compute_all(func: Callable[[T], R], items: list[T], workers: int) -> list[R]:
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=workers, initializer=note_start) as pool:
        calls = [loop.run_in_executor(pool, func, item) for item in items]
        return await asyncio.gather(*calls)
