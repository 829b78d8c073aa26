"""Makes the awaitables inside the pool's with-block but awaits them after it: leaving the block
shuts the pool down and waits for every call, on the event loop's thread, before anything
awaits them.

truth: wrong
breaks: "without blocking the event loop" - the with-block's exit waits for the processes.
fails: runs_in_worker_processes
says: the with-block
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
    with ProcessPoolExecutor(max_workers=workers) as pool:
        pending = [loop.run_in_executor(pool, func, item) for item in items]
    return list(await asyncio.gather(*pending))
