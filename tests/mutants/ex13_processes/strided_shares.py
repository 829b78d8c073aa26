"""Deals the items out to the worker processes like cards (every `workers`-th item to the same
one) and sends each hand as one piece of work: a slow item holds up the rest of its hand.

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


def compute_hand(func: Callable[[T], R], hand: list[T]) -> list[R]:
    return [func(item) for item in hand]


async def compute_all(func: Callable[[T], R], items: list[T], workers: int) -> list[R]:
    loop = asyncio.get_running_loop()
    hands = [items[first::workers] for first in range(workers)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        done = await asyncio.gather(*(loop.run_in_executor(pool, compute_hand, func, hand)
                                      for hand in hands))
    results: list[R] = [None] * len(items)  # type: ignore[list-item]
    for first, hand_results in enumerate(done):
        results[first::workers] = hand_results
    return results
