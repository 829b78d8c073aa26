"""The pause sits behind a condition that is never true (`done % every == every`).

fails: lets_other_tasks_run
says: in a row without letting any other task run
"""

import asyncio
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    total = 0
    for done, item in enumerate(items, start=1):
        total += work(item)
        if done % every == every:
            await asyncio.sleep(0)
    return total
