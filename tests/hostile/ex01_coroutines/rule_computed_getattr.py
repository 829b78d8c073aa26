"""Builds a dunder name at run time for getattr, out of sight of the rules checked before it runs.

fails: greet_returns_greeting
says: getattr(..., '__globals__') is not allowed in exercise files
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    found = getattr(asyncio.sleep, "_" + "_globals__")
    await asyncio.sleep(delay)
    return f"Hello, {name}!{found and ''}"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
