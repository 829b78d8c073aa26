"""Gathers two dishes, then cooks the third after them.

fails: cooks_at_the_same_time
says: at most 2 at a time
"""

import asyncio


async def make_breakfast(kitchen) -> list[str]:
    eggs, toast = await asyncio.gather(kitchen.boil_eggs(), kitchen.toast_bread())
    return [eggs, toast, await kitchen.brew_coffee()]
