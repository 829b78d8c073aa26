"""Ends the grading process with os._exit.

fails: greet_returns_greeting
says: exited with status 3
refused: ex01_coroutines.py line 9: importing os
"""

import asyncio
import os


async def greet(name: str, delay: float) -> str:
    os._exit(3)


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
