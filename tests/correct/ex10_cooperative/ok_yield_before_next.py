"""crunch that counts down a budget of `every` calls and pauses before a call when it is spent.

truth: correct
"""

import asyncio
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    total = 0
    budget = every
    for item in items:
        if budget == 0:
            await asyncio.sleep(0)  # let the other tasks run before the next stretch
            budget = every
        total += work(item)
        budget -= 1
    return total
