"""Finds the kit's in-flight counter through sys.modules and makes it report 99.

fails: greet_returns_greeting
behaves: correctly (judged in a process of its own, what it does to that process earns nothing)
refused: ex01_coroutines.py line 9: importing sys
"""

import asyncio
import sys

_modules = getattr(sys, "mod" + "ules")
_counters = _modules["gra" + "ders.probes.counters"]
_counters.InFlight.enter = lambda self, label, at=0.0: None

async def greet(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
