"""Waits in greet by spinning on time.monotonic(), a busy loop that never yields.

truth: wrong
breaks: "wait `delay` seconds without blocking the event loop" - the spin loop contains no await,
    so the event loop is frozen for the whole delay exactly as with time.sleep.
fails: greet_waits_without_blocking
says: busy loop
"""

import asyncio
import time


async def greet(name: str, delay: float) -> str:
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline:
        pass
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
