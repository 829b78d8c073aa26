"""crunch that hands the loop back after every single call (at most 1 <= every in a row).

truth: correct
"""

import asyncio
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    # Pausing more often than required still never calls work more than `every` times in a row.
    total = 0
    for item in items:
        total += work(item)
        await asyncio.sleep(0)
    return total
