"""Pauses every `every` calls, but each pause sleeps a whole second: other tasks run, and
crunch crawls.

fails: lets_other_tasks_run
says: 1,000 ms of waiting per pause
"""

import asyncio
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    total = 0
    for done, item in enumerate(items, start=1):
        total += work(item)
        if done % every == 0:
            await asyncio.sleep(1)
    return total
