"""crunch with enumerate from 0 and `if i % every == 0 and i > 0`: the first pause comes one call late.

truth: wrong
breaks: "Never call `work` more than `every` times in a row without letting the event loop run
    other tasks in between." - with i counted from 0 the first pause is after every+1 calls
    (every=2: after items 1, 2, 3; every=1: after items 1, 2). The sum is right.

fails: yields_often_enough
says: times in a row
"""

import asyncio
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    total = 0
    for i, item in enumerate(items):
        total += work(item)
        if i % every == 0 and i > 0:
            await asyncio.sleep(0)
    return total
