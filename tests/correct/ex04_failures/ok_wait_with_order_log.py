"""asyncio.wait for every task, with done callbacks logging the order in which they finished.

truth: correct
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def collect(aws: list[Awaitable[T]]) -> tuple[list[T], list[Exception]]:
    tasks = [asyncio.ensure_future(aw) for aw in aws]
    finish_order: list[asyncio.Future[T]] = []
    for task in tasks:
        task.add_done_callback(finish_order.append)
    if tasks:
        await asyncio.wait(tasks, return_when=asyncio.ALL_COMPLETED)
        await asyncio.sleep(0)  # let any just-scheduled done callbacks run

    results: list[T] = []
    errors: list[Exception] = []
    # The `done` set that wait returns has no order; the log does.
    for task in finish_order:
        if task.exception() is not None:
            errors.append(task.exception())  # type: ignore[arg-type]
        else:
            results.append(task.result())
    return results, errors
