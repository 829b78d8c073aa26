"""asyncio.wait(return_when=FIRST_EXCEPTION), then cancels whatever is still pending.

truth: wrong
breaks: "One failure must not stop, cancel or lose the others" - as soon as one job raises, the
    jobs still running are cancelled and their results never arrive.
fails: returns_every_result_and_error
says: stopped at the first error
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def collect(aws: list[Awaitable[T]]) -> tuple[list[T], list[Exception]]:
    if not aws:
        return [], []
    tasks = [asyncio.ensure_future(aw) for aw in aws]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    for task in pending:
        task.cancel()
    results: list[T] = []
    errors: list[Exception] = []
    for task in tasks:
        if task in done:
            if task.exception() is None:
                results.append(task.result())
            else:
                errors.append(task.exception())  # type: ignore[arg-type]
    return results, errors
