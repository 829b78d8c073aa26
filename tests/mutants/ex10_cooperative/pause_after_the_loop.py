"""Pauses once, after the whole loop: other tasks wait until all the work is done.

fails: lets_other_tasks_run
says: only got its first turn after the last call
"""

import asyncio
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    total = 0
    for item in items:
        total += work(item)
    await asyncio.sleep(0)
    return total
