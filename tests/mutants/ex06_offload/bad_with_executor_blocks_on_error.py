"""run_in_executor inside a 'with ThreadPoolExecutor()' block that is left while threads still run.

truth: wrong
breaks: "call `func(item)` ... without blocking the event loop" - when one call raises early,
    gather raises at once, and leaving the with block calls shutdown(wait=True) on the loop's
    thread, which blocks the loop until every other call has finished (the happy path looks
    fine).

fails: exceptions_propagate
says: still run after one has failed
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def offload_all(func: Callable[[T], R], items: list[T]) -> list[R]:
    loop = asyncio.get_running_loop()
    with ThreadPoolExecutor(max_workers=max(4, len(items))) as pool:
        futures = [loop.run_in_executor(pool, func, item) for item in items]
        return list(await asyncio.gather(*futures))
