"""Pauses every `every` calls with a tenth of a second "to give the others time": crunch is
slowed down for nothing.

fails: lets_other_tasks_run
says: a pause only needs to hand the loop back for a moment
"""

import asyncio
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    total = 0
    for done, item in enumerate(items, start=1):
        total += work(item)
        if done % every == 0:
            await asyncio.sleep(0.1)
    return total
