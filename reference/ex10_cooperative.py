"""Exercise 10 - reference solution."""

import asyncio
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    total = 0
    for done, item in enumerate(items, start=1):
        total += work(item)
        if done % every == 0:
            await asyncio.sleep(0)
    return total
