"""Makes the event loop's clock jump so greet seems to have waited.

fails: greet_waits_without_blocking
says: returned after 0.0 s of simulated time
refused: ex01_coroutines.py line 14: assigning type(loop).time
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    loop = asyncio.get_running_loop()
    start = loop.time()
    type(loop).time = lambda self: start + delay
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
