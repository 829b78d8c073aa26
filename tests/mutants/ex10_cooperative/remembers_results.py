"""Caches work's results, so an item that comes twice is worked on once.

fails: returns_the_total
says: exactly once per item
"""

import asyncio
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    remembered: dict[int, int] = {}
    total = 0
    for done, item in enumerate(items, start=1):
        if item not in remembered:
            remembered[item] = work(item)
        total += remembered[item]
        if done % every == 0:
            await asyncio.sleep(0)
    return total
