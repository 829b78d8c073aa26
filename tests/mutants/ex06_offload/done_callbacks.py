"""Each run_in_executor future appends its result from a done callback, so the list fills up in
the order the calls finish.

truth: wrong
breaks: "Return the results in the order of `items`" - the list is in completion order.

fails: returns_results_in_order
says: in the order of items
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def offload_all(func: Callable[[T], R], items: list[T]) -> list[R]:
    loop = asyncio.get_running_loop()
    results: list[R] = []
    futures = [loop.run_in_executor(None, func, item) for item in items]
    for future in futures:
        future.add_done_callback(lambda done: results.append(done.result()))
    await asyncio.gather(*futures)
    return results
