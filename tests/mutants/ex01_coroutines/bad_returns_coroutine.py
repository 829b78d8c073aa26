"""run_greet calls greet but returns the coroutine object instead of running it.

truth: wrong
breaks: "`def run_greet(name, delay)`: an ordinary function that runs `greet` and returns its
    result" - greet(...) alone only creates a coroutine object; nothing runs and the caller gets a
    coroutine, not 'Hello, Ada!'.
fails: run_greet_returns_result
says: coroutine object
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return greet(name, delay)
