"""Hand the three dish coroutines to asyncio.gather and return its list.

truth: correct
"""

import asyncio


async def make_breakfast(kitchen) -> list[str]:
    return await asyncio.gather(
        kitchen.boil_eggs(),
        kitchen.toast_bread(),
        kitchen.brew_coffee(),
    )
