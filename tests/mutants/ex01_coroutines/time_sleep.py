"""greet blocks the event loop with time.sleep.

fails: greet_waits_without_blocking
says: time.sleep was called inside a coroutine
"""

import asyncio
import time


async def greet(name: str, delay: float) -> str:
    time.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
