"""Wraps func in an async def and gathers the wrappers - but func still runs on the loop thread.

truth: wrong
breaks: "call `func(item)` ... in worker threads, all at the same time, without blocking the
    event loop" - an async wrapper does not move a blocking call off the loop; the calls run
    one after another on the loop's thread.

fails: keeps_the_loop_free
says: event loop's own thread
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def offload_all(func: Callable[[T], R], items: list[T]) -> list[R]:
    async def call(item: T) -> R:
        return func(item)

    return list(await asyncio.gather(*(call(item) for item in items)))
