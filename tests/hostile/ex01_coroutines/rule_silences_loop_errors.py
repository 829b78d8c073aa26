"""Silences the loop's error reports.

fails: greet_returns_greeting
refused: ex01_coroutines.py line 11: asyncio.get_running_loop().set_exception_handler
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    asyncio.get_running_loop().set_exception_handler(lambda loop, context: None)
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
