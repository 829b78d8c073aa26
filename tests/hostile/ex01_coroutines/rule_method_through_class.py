"""Calls its own method through the class, with the loop as self.

fails: greet_returns_greeting
refused: ex01_coroutines.py line 16: Peek.ready
"""

import asyncio


class Peek:
    def ready(self) -> object:
        return self._ready


async def greet(name: str, delay: float) -> str:
    Peek.ready(asyncio.get_running_loop())
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
