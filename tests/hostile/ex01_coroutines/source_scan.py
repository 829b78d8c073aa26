"""Imports the grader in plain sight: refused before any of it runs.

fails: greet_returns_greeting
refused: ex01_coroutines.py line 9: importing graders.check
"""

import asyncio

from graders.check import Fail  # noqa: F401

async def greet(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
