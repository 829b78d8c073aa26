"""Tasks report to an asyncio.Queue from add_done_callback; collect reads them off in that order.

truth: correct
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def collect(aws: list[Awaitable[T]]) -> tuple[list[T], list[Exception]]:
    finished: asyncio.Queue[asyncio.Future[T]] = asyncio.Queue()
    futures = [asyncio.ensure_future(aw) for aw in aws]
    for fut in futures:
        fut.add_done_callback(finished.put_nowait)

    results: list[T] = []
    errors: list[Exception] = []
    for _ in range(len(futures)):
        fut = await finished.get()
        exc = fut.exception()  # reading it marks the exception as retrieved
        if exc is None:
            results.append(fut.result())
        else:
            errors.append(exc)  # type: ignore[arg-type]
    return results, errors
