"""Hangs in greet and swallows every interruption, pytest-timeout's included.

fails: greet_returns_greeting
says: the event loop was blocked
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    while delay == 0:
        try:
            sum(range(1000))
        except BaseException:
            pass
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
