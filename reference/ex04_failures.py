"""Exercise 4 - reference solution."""

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
        except Exception as error:
            errors.append(error)
    return results, errors
