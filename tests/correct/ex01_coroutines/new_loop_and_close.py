"""A correct alternative: a new loop per call, closed in finally."""

import asyncio


async def greet(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(greet(name, delay))
    finally:
        loop.close()
