"""run_greet makes a new loop every call and never closes it.

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
