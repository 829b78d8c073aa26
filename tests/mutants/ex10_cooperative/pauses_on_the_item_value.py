"""Pauses when the item is a multiple of `every` instead of after every `every` calls.

fails: yields_often_enough
says: in a row
"""

import asyncio
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    total = 0
    for item in items:
        total += work(item)
        if item % every == 0:
            await asyncio.sleep(0)
    return total
