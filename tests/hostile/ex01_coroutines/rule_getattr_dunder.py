"""Reaches asyncio's globals through getattr with a literal dunder name.

fails: greet_returns_greeting
refused: ex01_coroutines.py line 9: getattr(..., '__globals__')
"""

import asyncio

_globals = getattr(asyncio.sleep, "__globals__")


async def greet(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
