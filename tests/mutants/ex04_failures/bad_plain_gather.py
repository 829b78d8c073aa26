"""Plain gather inside try/except: the first failure is recorded and everything else is dropped.

truth: wrong
breaks: "One failure must not stop, cancel or lose the others" - the first exception leaves gather
    at once; results already finished and jobs still running are lost (and later failures are never
    read).
fails: returns_every_result_and_error
says: still running
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def collect(aws: list[Awaitable[T]]) -> tuple[list[T], list[Exception]]:
    try:
        results = await asyncio.gather(*aws)
    except Exception as exc:
        return [], [exc]
    return list(results), []
