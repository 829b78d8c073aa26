"""Creates a fresh event loop per call but never closes it.

truth: wrong
breaks: "and leave no event loop open behind it" - every call leaves an open loop (and its
    selector / self-pipe file descriptors) behind; works in any thread and returns the right text.
fails: run_greet_closes_its_loop
says: left open
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    loop = asyncio.new_event_loop()
    return loop.run_until_complete(greet(name, delay))
