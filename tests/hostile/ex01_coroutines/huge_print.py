"""Prints 100 MB.

fails: greet_returns_greeting
says: printed more than
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    print("x" * 100_000_000)
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
