"""A correct alternative: each call runs in a worker thread, so the loop is free meanwhile."""

import asyncio
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    total = 0
    for item in items:
        total += await asyncio.to_thread(work, item)
    return total
