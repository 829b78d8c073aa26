"""crunch that pauses before a call once more than `every` calls were made (count > every).

truth: wrong
breaks: "Never call `work` more than `every` times in a row without letting the event loop run
    other tasks in between." - the test `calls > every` lets every+1 calls run before each pause
    (every=2: pause after 3 calls); the sum is right.

fails: yields_often_enough
says: times in a row
"""

import asyncio
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    total = 0
    calls = 0
    for item in items:
        total += work(item)
        calls += 1
        if calls > every:
            await asyncio.sleep(0)
            calls = 0
    return total
