"""A correct alternative: greet waits with time.sleep in a worker thread, awaited, so the event
loop stays free meanwhile."""

import asyncio
import time


async def greet(name: str, delay: float) -> str:
    await asyncio.to_thread(time.sleep, delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
