"""Calls sys.exit inside greet.

fails: greet_returns_greeting
says: called sys.exit(4)
refused: ex01_coroutines.py line 9: importing sys
"""

import asyncio
import sys


async def greet(name: str, delay: float) -> str:
    sys.exit(4)


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
