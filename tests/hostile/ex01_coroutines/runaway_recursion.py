"""Recurses without end.

fails: greet_returns_greeting
says: RecursionError
"""

import asyncio


def deeper(depth: int) -> int:
    return deeper(depth + 1)


async def greet(name: str, delay: float) -> str:
    return str(deeper(0))


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
