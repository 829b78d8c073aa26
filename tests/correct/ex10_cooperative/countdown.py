"""A correct alternative: a countdown reset after each pause, and a pause with a tiny delay."""

import asyncio
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    total, left = 0, every
    for item in items:
        total += work(item)
        left -= 1
        if left == 0:
            await asyncio.sleep(0.001)
            left = every
    return total
