"""Turn every awaitable into a task with ensure_future, then consume as_completed(tasks).

truth: correct
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def collect(aws: list[Awaitable[T]]) -> tuple[list[T], list[Exception]]:
    tasks = [asyncio.ensure_future(aw) for aw in aws]  # any awaitable: coroutine, Task, Future
    ok: list[T] = []
    failed: list[Exception] = []
    for earliest in asyncio.as_completed(tasks):
        try:
            value = await earliest
        except Exception as error:
            failed.append(error)
        else:
            ok.append(value)
    return ok, failed
