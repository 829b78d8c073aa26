"""to_thread tasks in a TaskGroup; the first error is unwrapped from the ExceptionGroup.

truth: correct
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def offload_all(func: Callable[[T], R], items: list[T]) -> list[R]:
    try:
        async with asyncio.TaskGroup() as tg:
            tasks = [tg.create_task(asyncio.to_thread(func, item)) for item in items]
    except* Exception as group:
        # let the caller see func's own exception, not an ExceptionGroup
        raise group.exceptions[0] from None
    return [task.result() for task in tasks]
