"""Pauses with time.sleep(0), which stops the loop instead of handing it back.

fails: lets_other_tasks_run
says: time.sleep
"""

import time
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    total = 0
    for done, item in enumerate(items, start=1):
        total += work(item)
        if done % every == 0:
            time.sleep(0)
    return total
