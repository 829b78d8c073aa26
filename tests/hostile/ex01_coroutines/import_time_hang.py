"""Hangs while the module is imported.

fails: greet_returns_greeting
says: did not finish in time
"""

import asyncio

while True:
    pass

async def greet(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
