"""A pool whose worker processes each run one call and are replaced (max_tasks_per_child=1),
which makes the pool start them as fresh interpreters (spawn): at most `workers` run at once.

truth: correct
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def compute_all(func: Callable[[T], R], items: list[T], workers: int) -> list[R]:
    loop = asyncio.get_running_loop()
    with ProcessPoolExecutor(max_workers=workers, max_tasks_per_child=1) as pool:
        return list(await asyncio.gather(*(loop.run_in_executor(pool, func, item)
                                           for item in items)))
