"""Makes a pool, runs every call in it at once, and never shuts it down.

truth: wrong
breaks: "Shut the pool down before compute_all returns or raises: no worker process may be left
    running" - the worker processes stay, waiting for more work.

fails: shuts_the_pool_down, exceptions_propagate
says: never shut down
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
    pool = ProcessPoolExecutor(max_workers=workers)
    return list(await asyncio.gather(*(loop.run_in_executor(pool, func, item) for item in items)))
