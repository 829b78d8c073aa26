"""A ThreadPoolExecutor of its own, one worker per item (at least four), shut down without waiting.

truth: correct
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def offload_all(func: Callable[[T], R], items: list[T]) -> list[R]:
    if not items:
        return []
    loop = asyncio.get_running_loop()
    executor = ThreadPoolExecutor(max_workers=max(4, len(items)), thread_name_prefix="offload")
    try:
        return list(await asyncio.gather(
            *[loop.run_in_executor(executor, func, item) for item in items]
        ))
    finally:
        # never wait for the threads here: that would block the event loop
        executor.shutdown(wait=False)
