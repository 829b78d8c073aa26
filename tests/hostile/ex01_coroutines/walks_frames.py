"""Reaches the grader's local variables through stack frames.

fails: greet_returns_greeting
behaves: correctly (judged in a process of its own, what it does to that process earns nothing)
refused: ex01_coroutines.py line 9: importing sys
"""

import asyncio
import sys

_frame = getattr(sys, "_get" + "frame")


async def greet(name: str, delay: float) -> str:
    caller = _frame(1)
    return f"Hello, {name}!" if caller else ""


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
