"""Starts the coffee as a task and never awaits it.

fails: nothing_left_behind
says: left work behind
"""

import asyncio


async def make_breakfast(kitchen) -> list[str]:
    asyncio.create_task(kitchen.brew_coffee())
    eggs, toast = await asyncio.gather(kitchen.boil_eggs(), kitchen.toast_bread())
    return [eggs, toast, "coffee"]
