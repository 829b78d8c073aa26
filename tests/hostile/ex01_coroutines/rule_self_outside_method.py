"""Calls a plain function with the loop as self, to read its private state.

fails: greet_returns_greeting
refused: ex01_coroutines.py line 10: binding the name self
"""

import asyncio


def peek(self: asyncio.AbstractEventLoop) -> object:
    return self._ready


async def greet(name: str, delay: float) -> str:
    peek(asyncio.get_running_loop())
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
