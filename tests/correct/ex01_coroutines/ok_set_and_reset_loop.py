"""Manage the loop by hand like pre-3.7 tutorials, but install it only for the call and close it after.

truth: correct
"""

import asyncio


async def _pause(seconds: float) -> None:
    await asyncio.sleep(seconds)


async def greet(name: str, delay: float) -> str:
    await _pause(delay)
    greeting = f"Hello, {name}!"
    return greeting


def run_greet(name: str, delay: float) -> str:
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        return loop.run_until_complete(greet(name, delay))
    finally:
        loop.run_until_complete(loop.shutdown_asyncgens())
        asyncio.set_event_loop(None)
        loop.close()
