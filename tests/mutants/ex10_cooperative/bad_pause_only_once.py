"""crunch that pauses when its counter reaches `every` but never resets the counter.

truth: wrong
breaks: "Never call `work` more than `every` times in a row without letting the event loop run
    other tasks in between." - `count == every` is true only once, so after the first pause the
    rest of the items run in one stretch (with the Example: a pause after 2, none after 4).

fails: yields_often_enough
says: times in a row
"""

import asyncio
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    total = 0
    count = 0
    for item in items:
        total += work(item)
        count += 1
        if count == every:
            await asyncio.sleep(0)
    return total
