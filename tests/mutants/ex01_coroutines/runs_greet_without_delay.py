"""run_greet runs greet on a loop, but without the delay it was given.

fails: run_greet_returns_result
says: with the name and the delay
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, 0))
