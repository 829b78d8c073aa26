"""Starts the total from the first item, so an empty list raises IndexError.

fails: handles_short_lists
says: IndexError
"""

import asyncio
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    total = work(items[0])
    for done, item in enumerate(items[1:], start=2):
        total += work(item)
        if done % every == 0:
            await asyncio.sleep(0)
    return total
