"""A pool given max_tasks_per_child, which makes it start its worker processes as fresh
interpreters (spawn), one as each call needs it, up to `workers`; each interpreter imports the
module of func to find it.

(With max_tasks_per_child=1 the pool also replaces every worker process after its call, so a
check of ten items starts twenty interpreters; that passes too, but on a two-core machine under
a load of 20 it can run past a check's 10 s of real time, so the kit's own tests use a limit
no check reaches.)

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
    with ProcessPoolExecutor(max_workers=workers, max_tasks_per_child=50) as pool:
        return list(await asyncio.gather(*(loop.run_in_executor(pool, func, item)
                                           for item in items)))
