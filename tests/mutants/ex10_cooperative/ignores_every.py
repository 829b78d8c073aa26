"""Pauses every 10 calls whatever `every` says.

fails: yields_often_enough
says: with every=1
"""

import asyncio
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    total = 0
    for done, item in enumerate(items, start=1):
        total += work(item)
        if done % 10 == 0:
            await asyncio.sleep(0)
    return total
