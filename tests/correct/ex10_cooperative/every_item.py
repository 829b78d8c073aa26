"""A correct alternative: pausing after every single item is more often than needed, but right."""

import asyncio
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    results = []
    for item in items:
        results.append(work(item))
        await asyncio.sleep(0)
    return sum(results)
