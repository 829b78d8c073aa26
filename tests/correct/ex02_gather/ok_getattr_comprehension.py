"""Build the dish coroutines from method names with getattr and gather them with *unpacking.

truth: correct
"""

import asyncio

MENU = ("boil_eggs", "toast_bread", "brew_coffee")


async def make_breakfast(kitchen) -> list[str]:
    results = await asyncio.gather(*(getattr(kitchen, step)() for step in MENU))
    return list(results)
