"""Works in chunks of `every` but loses the last, shorter chunk.

fails: returns_the_total
says: exactly once per item
"""

import asyncio
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    total = 0
    for start in range(0, len(items) - every + 1, every):
        total += sum(work(item) for item in items[start:start + every])
        await asyncio.sleep(0)
    return total
