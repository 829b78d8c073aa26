"""Crashes the interpreter with a segmentation fault.

fails: greet_returns_greeting
says: segmentation fault
refused: ex01_coroutines.py line 9: importing os
"""

import asyncio
import os
import signal


async def greet(name: str, delay: float) -> str:
    os.kill(os.getpid(), signal.SIGSEGV)


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
