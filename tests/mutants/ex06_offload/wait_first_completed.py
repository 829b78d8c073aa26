"""Waits with asyncio.wait(return_when=FIRST_COMPLETED) in a loop, appending each done set's
results as they come.

truth: wrong
breaks: "Return the results in the order of `items`" - the list is in the order the calls
    finished, not the order of the items.

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
    pending = {asyncio.create_task(asyncio.to_thread(func, item)) for item in items}
    results = []
    while pending:
        done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        results.extend(task.result() for task in done)
    return results
