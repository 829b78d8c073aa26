"""Wait on a future that the loop resolves with call_later, the way asyncio.sleep does inside.

truth: correct
"""

import asyncio


async def greet(name: str, delay: float) -> str:
    loop = asyncio.get_running_loop()
    waiter = loop.create_future()

    def _wake() -> None:
        if not waiter.done():
            waiter.set_result(None)

    handle = loop.call_later(delay, _wake)
    try:
        await waiter
    finally:
        handle.cancel()
    return f"Hello, {name}!"


def run_greet(name: str, delay: float) -> str:
    return asyncio.run(greet(name, delay))
