"""greet returns the wrong text.

fails: greet_returns_greeting
says: expected 'Hello,
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Hi {name}"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
