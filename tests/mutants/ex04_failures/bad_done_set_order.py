"""Waits for all tasks with asyncio.wait and then walks the unordered `done` set.

truth: wrong
breaks: "the results, in the order the awaitables completed, and the exceptions, in the order they
    were raised" - `done` is a set; iterating it gives hash order, not completion order, so the
    order of both lists is luck.
fails: results_in_completion_order
says: They finished in the order
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def collect(aws: list[Awaitable[T]]) -> tuple[list[T], list[Exception]]:
    if not aws:
        return [], []
    done, _ = await asyncio.wait([asyncio.ensure_future(aw) for aw in aws])
    results: list[T] = []
    errors: list[Exception] = []
    for task in done:
        exc = task.exception()
        if exc is None:
            results.append(task.result())
        else:
            errors.append(exc)  # type: ignore[arg-type]
    return results, errors
