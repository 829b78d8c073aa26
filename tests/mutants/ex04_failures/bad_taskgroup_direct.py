"""Runs the jobs directly in a TaskGroup and unpacks the ExceptionGroup afterwards.

truth: wrong
breaks: "One failure must not stop, cancel or lose the others" - when the first job raises, the
    TaskGroup cancels every job still running, so their results are lost (Example: only
    ([], [ValueError('b')]) instead of (['c', 'a'], [...])).
fails: returns_every_result_and_error
says: cancel
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def collect(aws: list[Awaitable[T]]) -> tuple[list[T], list[Exception]]:
    results: list[T] = []
    errors: list[Exception] = []

    async def run(aw: Awaitable[T]) -> None:
        results.append(await aw)

    try:
        async with asyncio.TaskGroup() as tg:
            for aw in aws:
                tg.create_task(run(aw))
    except* Exception as group:
        errors.extend(group.exceptions)  # type: ignore[arg-type]
    return results, errors
