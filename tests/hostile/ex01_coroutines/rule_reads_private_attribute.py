"""Reads the event loop's private schedule to see when it will wake.

fails: greet_returns_greeting
refused: ex01_coroutines.py line 11: asyncio.get_running_loop()._scheduled
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    scheduled = asyncio.get_running_loop()._scheduled
    await asyncio.sleep(delay)
    return f"Hello, {name}!{scheduled and ''}"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
