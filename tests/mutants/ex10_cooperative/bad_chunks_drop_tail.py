"""crunch in chunks of `every` that stops at the last full chunk and forgets the leftover items.

truth: wrong
breaks: "call `work(item)` once for each item and return the sum of the results" - the
    items after the last full chunk (len(items) % every of them, and all items when the list is
    shorter than `every`) are never passed to work nor summed. The pauses are right.

fails: returns_the_total
says: exactly once per item
"""

import asyncio
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    total = 0
    for chunk in range(len(items) // every):
        for item in items[chunk * every : (chunk + 1) * every]:
            total += work(item)
        await asyncio.sleep(0)
    return total
