"""Works in whole chunks, then the rest as items[-(len(items) % every):], which is the whole
list again when the length is a multiple of `every`.

fails: returns_the_total
says: exactly once per item
"""

import asyncio
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    total = 0
    whole = len(items) // every * every
    for start in range(0, whole, every):
        total += sum(work(item) for item in items[start:start + every])
        await asyncio.sleep(0)
    total += sum(work(item) for item in items[-(len(items) % every):])
    return total
