"""greet waits in a busy loop, reading the clock until the delay has passed.

fails: greet_waits_without_blocking
says: busy loop
"""

import asyncio
import time


async def greet(name: str, delay: float) -> str:
    end = time.monotonic() + delay
    while time.monotonic() < end:
        pass
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
