"""Runs greet on asyncio.get_event_loop(), the way old tutorials did.

truth: wrong
breaks: "It must work when called many times, from any thread (a new thread has no event loop of
    its own)" - get_event_loop() raises RuntimeError in a thread with no current loop (and the
    loop it does return in the main thread is never closed).
fails: run_greet_from_a_new_thread
says: no current event loop
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    loop = asyncio.get_event_loop()
    return loop.run_until_complete(greet(name, delay))
