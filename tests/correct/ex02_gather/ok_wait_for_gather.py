"""Wrap one gather in asyncio.wait_for with no timeout, unpacking the three results by name.

truth: correct
"""

import asyncio


async def make_breakfast(kitchen) -> list[str]:
    everything = asyncio.gather(
        kitchen.boil_eggs(), kitchen.toast_bread(), kitchen.brew_coffee()
    )
    eggs, toast, coffee = await asyncio.wait_for(everything, timeout=None)
    return [eggs, toast, coffee]
