"""Exercise 2 - reference solution."""

import asyncio


async def make_breakfast(kitchen) -> list[str]:
    return list(await asyncio.gather(kitchen.boil_eggs(), kitchen.toast_bread(), kitchen.brew_coffee()))
