"""crunch that computes the whole sum first and awaits asyncio.sleep(0) once at the end.

truth: wrong
breaks: "Never call `work` more than `every` times in a row without letting the event loop run
    other tasks in between." - every call happens in one stretch; the single pause after the
    loop comes too late to help anybody.

fails: lets_other_tasks_run, yields_often_enough
says: times in a row
"""

import asyncio
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    total = sum(work(item) for item in items)
    await asyncio.sleep(0)  # be nice to the other tasks
    return total
