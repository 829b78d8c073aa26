"""A TaskGroup of wrapper tasks that catch their job's exception, so the group never cancels.

truth: correct
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def _outcome(aw: Awaitable[T], results: list[T], errors: list[Exception]) -> None:
    try:
        results.append(await aw)
    except Exception as exc:
        errors.append(exc)


async def collect(aws: list[Awaitable[T]]) -> tuple[list[T], list[Exception]]:
    results: list[T] = []
    errors: list[Exception] = []
    async with asyncio.TaskGroup() as tg:
        for aw in aws:
            tg.create_task(_outcome(aw, results, errors))
    return results, errors
