"""crunch built on an async generator that yields results and hands the loop back every `every` calls.

truth: correct
"""

import asyncio
from collections.abc import Callable

from collections.abc import AsyncIterator


async def _results(items: list[int], work: Callable[[int], int], every: int) -> AsyncIterator[int]:
    since_pause = 0
    for item in items:
        if since_pause == every:
            await asyncio.sleep(0)
            since_pause = 0
        yield work(item)
        since_pause += 1


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    return sum([result async for result in _results(items, work, every)])
