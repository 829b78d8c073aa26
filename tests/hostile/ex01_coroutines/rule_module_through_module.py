"""Finds sys through a module it may import.

fails: greet_returns_greeting
refused: ex01_coroutines.py line 12: typing.sys (the module sys)
"""

import asyncio
import typing


async def greet(name: str, delay: float) -> str:
    typing.sys.modules.clear()
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
