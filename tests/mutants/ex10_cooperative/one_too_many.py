"""Pauses after every `every + 1` calls: one call too many each time.

fails: yields_often_enough
says: in a row
"""

import asyncio
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    total = 0
    for done, item in enumerate(items, start=1):
        total += work(item)
        if done % (every + 1) == 0:
            await asyncio.sleep(0)
    return total
