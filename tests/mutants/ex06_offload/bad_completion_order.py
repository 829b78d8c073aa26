"""Collects results with asyncio.as_completed, appending them as they finish.

truth: wrong
breaks: "Return the results in the order of `items`" - the list is in completion order; with
    equal durations it often looks right, with unequal durations it is shuffled.

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
    results = []
    for next_done in asyncio.as_completed([asyncio.to_thread(func, item) for item in items]):
        results.append(await next_done)
    return results
