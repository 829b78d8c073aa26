"""crunch with a running count of calls: await asyncio.sleep(0) whenever it is a multiple of `every`.

truth: correct
"""

import asyncio
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    total = 0
    calls = 0
    for item in items:
        total += work(item)
        calls += 1
        if calls % every == 0:
            await asyncio.sleep(0)
    return total
