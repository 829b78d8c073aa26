"""Allocates far more memory than grading allows.

fails: greet_returns_greeting
says: MemoryError
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    hog = bytearray(8 * 1024**3)
    return f"Hello, {name}!{len(hog)}"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
