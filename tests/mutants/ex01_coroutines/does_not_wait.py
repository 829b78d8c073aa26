"""greet returns at once instead of waiting.

fails: greet_waits_without_blocking
says: returned after 0.0 s of simulated time
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
