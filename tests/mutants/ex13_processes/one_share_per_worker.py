"""Splits the items into one contiguous share per worker process and sends each share as one
piece of work, computed item after item there: a slow item holds up the rest of its share.

truth: wrong
breaks: "`func` is a top-level function: send it, and each item, to the pool as they are" and
    "a worker process done with one call goes on to the next item at once, even while a slow
    call still runs in another."
fails: keeps_every_worker_busy
says: a worker process that takes a share of the items
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def compute_share(func: Callable[[T], R], share: list[T]) -> list[R]:
    return [func(item) for item in share]


async def compute_all(func: Callable[[T], R], items: list[T], workers: int) -> list[R]:
    loop = asyncio.get_running_loop()
    size = -(-len(items) // workers)
    shares = [items[start:start + size] for start in range(0, len(items), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        done = await asyncio.gather(*(loop.run_in_executor(pool, compute_share, func, share)
                                      for share in shares))
    return [result for share in done for result in share]
