"""crunch in chunks of `every` items (slices), handing the loop back after each chunk.

truth: correct
"""

import asyncio
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    total = 0
    for start in range(0, len(items), every):
        total += sum(work(item) for item in items[start : start + every])
        await asyncio.sleep(0)
    return total
