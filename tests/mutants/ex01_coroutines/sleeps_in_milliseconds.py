"""greet takes the delay for seconds and converts it to milliseconds, as another library's sleep
would want: asyncio.sleep counts seconds, so it asks for a thousand times the delay. Not a
deadlock: the message says how long it asked to wait.

fails: greet_waits_without_blocking, run_greet_returns_result
says: s of simulated time (an asyncio.sleep or a timeout that long), far past
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    await asyncio.sleep(delay * 1000)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
