"""crunch with enumerate(items, start=1): pause after item number every, 2*every, ...

truth: correct
"""

import asyncio
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    results = []
    for number, item in enumerate(items, start=1):
        results.append(work(item))
        if number % every == 0 and number < len(items):  # no pause needed after the last one
            await asyncio.sleep(0)
    return sum(results)
