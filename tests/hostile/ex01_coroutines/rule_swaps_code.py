"""Swaps a function's code object, keeping its identity.

fails: greet_returns_greeting
refused: ex01_coroutines.py line 18: assigning greet.__code__
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


async def _instant(name: str, delay: float) -> str:
    return f"Hello, {name}!"

greet.__code__ = _instant.__code__


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
