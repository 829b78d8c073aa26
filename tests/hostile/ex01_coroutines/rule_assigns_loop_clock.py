"""Makes the running loop's clock jump, so greet seems to have waited.

fails: greet_returns_greeting
refused: ex01_coroutines.py line 13: assigning loop.time
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    loop = asyncio.get_running_loop()
    start = loop.time()
    loop.time = lambda: start + delay
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
