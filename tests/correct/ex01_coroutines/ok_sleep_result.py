"""Let asyncio.sleep hand back the greeting through its result= argument.

truth: correct
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    # asyncio.sleep(delay, result=x) waits without blocking and then returns x.
    return await asyncio.sleep(delay, result=f"Hello, {name}!")


def run_greet(name: str, delay: float) -> str:
    result = asyncio.run(greet(name, delay))
    return result
