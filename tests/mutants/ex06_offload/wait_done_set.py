"""Waits for every task with asyncio.wait, then reads the results from its `done` set.

truth: wrong
breaks: "Return the results in the order of `items`" - a set has no order: the results come out
    in whatever order the set keeps its tasks.

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
    tasks = [asyncio.create_task(asyncio.to_thread(func, item)) for item in items]
    done, _ = await asyncio.wait(tasks)
    return [task.result() for task in done]
