"""Catches BaseException around each await "to be safe": when collect is cancelled, the
CancelledError lands in the exceptions list and collect carries on as if nothing happened.

fails: cancelled_collect_ends_cancelled
says: it caught the cancellation
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
        except BaseException as error:
            errors.append(error)
    return results, errors
