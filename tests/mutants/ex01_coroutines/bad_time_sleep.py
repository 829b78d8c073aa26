"""Waits with time.sleep inside greet, which freezes the event loop while it waits.

truth: wrong
breaks: "wait `delay` seconds without blocking the event loop" - time.sleep blocks the whole
    loop thread, so no other coroutine runs during the delay (run_greet still prints the greeting).
fails: greet_waits_without_blocking
says: time.sleep
"""

import asyncio  # noqa: F401
import time


async def greet(name: str, delay: float) -> str:
    time.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
