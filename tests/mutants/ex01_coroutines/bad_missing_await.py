"""Calls asyncio.sleep without await, so greet returns at once instead of waiting.

truth: wrong
breaks: "wait `delay` seconds without blocking the event loop, then return" - without `await`,
    asyncio.sleep(delay) only creates a coroutine object that never runs ("never awaited"),
    so no time passes before the greeting is returned.
fails: greet_waits_without_blocking
says: never awaited
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    asyncio.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
