"""greet waits in a worker thread and then again on the loop: twice the delay.

fails: greet_waits_without_blocking
says: asleep in a worker thread
"""

import asyncio
import time


async def greet(name: str, delay: float) -> str:
    await asyncio.to_thread(time.sleep, delay)
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
