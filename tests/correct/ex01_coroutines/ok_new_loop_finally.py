"""Create a private event loop per call, run greet on it, and close it in a finally block.

truth: correct
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return "Hello, " + name + "!"


def run_greet(name: str, delay: float) -> str:
    # A brand-new loop works in any thread, including threads that never had one.
    loop = asyncio.new_event_loop()
    try:
        return loop.run_until_complete(greet(name, delay))
    finally:
        try:
            loop.run_until_complete(loop.shutdown_asyncgens())
        finally:
            loop.close()
