"""crunch that pauses every `every` items with time.sleep(0) instead of asyncio.sleep(0).

truth: wrong
breaks: "Never call `work` more than `every` times in a row without letting the event loop run
    other tasks in between." - time.sleep blocks the thread and never hands the loop back, so all
    items are crunched in one stretch (the sum, 55 in the Example, is right).

fails: lets_other_tasks_run
says: time.sleep
"""

import asyncio
from collections.abc import Callable

import time


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    total = 0
    for count, item in enumerate(items, start=1):
        total += work(item)
        if count % every == 0:
            time.sleep(0)
    return total
