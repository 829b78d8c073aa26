"""to_thread calls gathered, but throttled by an asyncio.Semaphore(2) "to be nice to the pool".

truth: wrong
breaks: "call `func(item)` for every item ... all at the same time ... With four items, all
    four calls must be running at the same moment" - the semaphore lets only two run at once.

fails: runs_all_at_once
says: at most 2 at a time
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


_LIMIT = 2


async def offload_all(func: Callable[[T], R], items: list[T]) -> list[R]:
    sem = asyncio.Semaphore(_LIMIT)

    async def run(item: T) -> R:
        async with sem:
            return await asyncio.to_thread(func, item)

    return list(await asyncio.gather(*(run(item) for item in items)))
