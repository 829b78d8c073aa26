"""Replaces asyncio.sleep so that nothing ever waits.

fails: greet_waits_without_blocking
says: returned after 0.0 s of simulated time
refused: ex01_coroutines.py line 15: assigning asyncio.sleep
"""

import asyncio


async def _instant(delay: float, result: object = None) -> object:
    return result


asyncio.sleep = _instant

async def greet(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
