"""Puts the waiting in run_greet (time.sleep before asyncio.run) and gives greet only sleep(0).

truth: wrong
breaks: "`async def greet(name, delay)`: wait `delay` seconds ... then return" - awaited on its
    own, greet returns almost immediately; run_greet still returns after `delay` with the right text.
fails: greet_waits_without_blocking
says: it should wait
"""

import asyncio
import time


async def greet(name: str, delay: float) -> str:
    await asyncio.sleep(0)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    time.sleep(delay)
    return asyncio.run(greet(name, delay))
