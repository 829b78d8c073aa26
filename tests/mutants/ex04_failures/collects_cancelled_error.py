"""Collects CancelledError with the jobs' exceptions, so that a cancelled job is reported too:
a cancellation of collect itself is swallowed the same way.

fails: cancelled_collect_ends_cancelled
says: with the CancelledError among its exceptions
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def collect(aws: list[Awaitable[T]]) -> tuple[list[T], list[Exception]]:
    results: list[T] = []
    errors: list[Exception] = []
    for next_done in asyncio.as_completed(aws):
        try:
            results.append(await next_done)
        except (Exception, asyncio.CancelledError) as error:
            errors.append(error)
    return results, errors
