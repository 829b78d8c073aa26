"""greet returns asyncio.sleep(delay, greeting) without awaiting it: a coroutine, not the text.

fails: greet_returns_greeting
says: sleep(...) was called but never awaited
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    return asyncio.sleep(delay, f"Hello, {name}!")


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
