"""crunch that takes batches of `every` items from an iterator with itertools.islice.

truth: correct
"""

import asyncio
from collections.abc import Callable

from itertools import islice


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    iterator = iter(items)
    total = 0
    while batch := list(islice(iterator, every)):
        for item in batch:
            total += work(item)
        await asyncio.sleep(0)
    return total
