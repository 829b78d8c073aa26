"""greet forgets to await asyncio.sleep, so it never waits.

fails: greet_waits_without_blocking
says: never awaited
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    asyncio.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
