"""Sums the items instead of what work returns for them.

fails: returns_the_total
says: the sum of work(item)
"""

import asyncio
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    total = 0
    for done, item in enumerate(items, start=1):
        work(item)
        total += item
        if done % every == 0:
            await asyncio.sleep(0)
    return total
