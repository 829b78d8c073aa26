"""run_greet asks for the current event loop, which a new thread does not have.

fails: run_greet_from_a_new_thread
says: no current event loop
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.get_event_loop().run_until_complete(greet(name, delay))
