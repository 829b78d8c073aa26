"""Imports inspect to read the grader's stack frames.

fails: greet_returns_greeting
refused: ex01_coroutines.py line 8: importing inspect
"""

import asyncio
import inspect


async def greet(name: str, delay: float) -> str:
    caller = inspect.currentframe()
    return f"Hello, {name}!" if caller else ""


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
