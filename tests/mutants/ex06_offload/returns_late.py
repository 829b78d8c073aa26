"""offload_all runs every call in a worker thread at the same time, then waits 2.5 s more.

Four calls ran at the same moment and the results are right: the check looked only at that, and
passed it (issue 22, item 4: extra waiting after the work is over). The lesson: "after about
1 s, not 4 s".

truth: wrong
breaks: "call `func(item)` for every item in worker threads, all at the same time"
fails: runs_all_at_once
says: more went by than the calls need
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def offload_all(func: Callable[[T], R], items: list[T]) -> list[R]:
    out = list(await asyncio.gather(*(asyncio.to_thread(func, item) for item in items)))
    await asyncio.sleep(2.5)
    return out
