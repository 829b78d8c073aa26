"""Walks the loop's tasks to the check's coroutine frames.

fails: greet_returns_greeting
refused: ex01_coroutines.py line 11: asyncio.all_tasks
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    for task in asyncio.all_tasks():
        print(task)
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
