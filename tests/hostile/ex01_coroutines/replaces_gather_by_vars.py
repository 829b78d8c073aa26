"""Swaps asyncio.gather through vars(), out of sight of a source scan.

fails: greet_returns_greeting
behaves: correctly (judged in a process of its own, what it does to that process earns nothing)
refused: ex01_coroutines.py line 10: vars
"""

import asyncio

vars(asyncio)["gath" + "er"] = lambda *aws, **kw: None

async def greet(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
