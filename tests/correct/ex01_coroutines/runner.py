"""A correct alternative: asyncio.Runner."""

import asyncio


async def greet(name: str, delay: float) -> str:
    await asyncio.sleep(delay)
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    with asyncio.Runner() as runner:
        return runner.run(greet(name, delay))
