"""run_greet calls greet and returns what that gives: a coroutine object that never runs.

fails: run_greet_returns_result
says: was called but never awaited
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return greet(name, delay)
