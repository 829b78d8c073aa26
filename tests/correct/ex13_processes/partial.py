"""functools.partial(func, item) for each call: a partial of a picklable function pickles.

truth: correct
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def compute_all(func: Callable[[T], R], items: list[T], workers: int) -> list[R]:
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(workers) as pool:
        calls = [functools.partial(func, item) for item in items]
        return list(await asyncio.gather(*(loop.run_in_executor(pool, call) for call in calls)))
