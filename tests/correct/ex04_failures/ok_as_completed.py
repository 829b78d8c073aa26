"""Iterate asyncio.as_completed, awaiting each in try/except into results or errors.

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
    for next_done in asyncio.as_completed(aws):
        try:
            results.append(await next_done)
        except Exception as exc:  # noqa: BLE001 - every failure is kept, none escapes
            errors.append(exc)
    return results, errors
