"""Tasks around to_thread, asyncio.wait(FIRST_EXCEPTION), then results read in item order.

truth: correct
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def offload_all(func: Callable[[T], R], items: list[T]) -> list[R]:
    if not items:
        return []
    tasks = [asyncio.create_task(asyncio.to_thread(func, item)) for item in items]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    for task in pending:           # only when something failed
        task.cancel()
    for task in tasks:
        if task in done and task.exception() is not None:
            raise task.exception()
    return [task.result() for task in tasks]
