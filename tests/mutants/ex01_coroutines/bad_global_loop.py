"""Keeps one module-level event loop and reuses it for every run_greet call.

truth: wrong
breaks: "and leave no event loop open behind it" - the shared loop stays open forever (and two
    threads calling at once collide with "This event loop is already running").
fails: run_greet_closes_its_loop
says: made before it was called
"""

import asyncio

_LOOP = asyncio.new_event_loop()


async def greet(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return _LOOP.run_until_complete(greet(name, delay))
