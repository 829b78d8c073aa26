"""Sleep in a separate task that greet awaits, and run greet from a main() coroutine via asyncio.run.

truth: correct
"""

import asyncio


class Greeter:
    """Keeps the greeting format in one place."""

    template = "Hello, {name}!"

    def format(self, name: str) -> str:
        return self.template.format(name=name)


_GREETER = Greeter()


async def greet(name: str, delay: float) -> str:
    timer = asyncio.create_task(asyncio.sleep(delay))
    await timer
    return _GREETER.format(name)


def run_greet(name: str, delay: float) -> str:
    async def main() -> str:
        return await greet(name, delay)

    return asyncio.run(main())
