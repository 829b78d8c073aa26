"""Uses the popular "get the current loop or create and install one" recipe, never closing it.

truth: wrong
breaks: "and leave no event loop open behind it" - the loop created (or reused) is installed as
    the thread's loop and left open after run_greet returns; it works from any thread and many
    times, so only a check for open loops notices.
fails: run_greet_closes_its_loop
says: left open
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


def _get_loop() -> asyncio.AbstractEventLoop:
    try:
        loop = asyncio.get_event_loop()
        if loop.is_closed():
            raise RuntimeError("closed")
    except RuntimeError:
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
    return loop


def run_greet(name: str, delay: float) -> str:
    return _get_loop().run_until_complete(greet(name, delay))
