"""run_greet builds the greeting itself instead of running greet.

fails: run_greet_returns_result
says: without running greet
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return f"Hello, {name}!"
