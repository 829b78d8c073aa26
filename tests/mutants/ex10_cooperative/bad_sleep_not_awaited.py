"""crunch that writes `asyncio.sleep(0)` without await: the pause is a coroutine that never runs.

truth: wrong
breaks: "Never call `work` more than `every` times in a row without letting the event loop run
    other tasks in between." - without await the sleep coroutine is created and dropped
    ("coroutine ... was never awaited"), so the loop is never handed back.

fails: lets_other_tasks_run
says: never awaited
"""

import asyncio
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    total = 0
    for count, item in enumerate(items, start=1):
        total += work(item)
        if count % every == 0:
            asyncio.sleep(0)
    return total
