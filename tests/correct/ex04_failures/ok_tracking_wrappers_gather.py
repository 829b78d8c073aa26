"""Wrap each awaitable in a coroutine that records its own outcome, then gather the wrappers.

truth: correct
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def collect(aws: list[Awaitable[T]]) -> tuple[list[T], list[Exception]]:
    results: list[T] = []
    errors: list[Exception] = []

    async def track(aw: Awaitable[T]) -> None:
        # The append happens the moment this awaitable finishes, so the lists are in
        # completion order; the wrapper never raises, so gather never stops early.
        try:
            value = await aw
        except Exception as exc:
            errors.append(exc)
        else:
            results.append(value)

    await asyncio.gather(*(track(aw) for aw in aws))
    return results, errors
