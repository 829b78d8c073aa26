"""Use the asyncio.Runner context manager (Python 3.11+) to run greet and close the loop.

truth: correct
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return "Hello, {}!".format(name)


def run_greet(name: str, delay: float) -> str:
    with asyncio.Runner() as runner:
        return runner.run(greet(name, delay))
