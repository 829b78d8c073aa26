"""A Collector object whose done-callback sorts outcomes and sets an Event when all are in.

truth: correct
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


class Collector:
    def __init__(self, expected: int) -> None:
        self.results: list = []
        self.errors: list[Exception] = []
        self._remaining = expected
        self._all_done = asyncio.Event()
        if expected == 0:
            self._all_done.set()

    def on_done(self, fut: asyncio.Future) -> None:
        try:
            exc = fut.exception()  # reading it marks the exception as retrieved
            if exc is None:
                self.results.append(fut.result())
            else:
                self.errors.append(exc)  # type: ignore[arg-type]
        finally:
            self._remaining -= 1
            if self._remaining == 0:
                self._all_done.set()

    async def wait(self) -> None:
        await self._all_done.wait()


async def collect(aws: list[Awaitable[T]]) -> tuple[list[T], list[Exception]]:
    collector = Collector(len(aws))
    tasks = [asyncio.ensure_future(aw) for aw in aws]
    for task in tasks:
        task.add_done_callback(collector.on_done)
    await collector.wait()
    return collector.results, collector.errors
