"""Create all three tasks first, then await them one by one (they are already running).

truth: correct
"""

import asyncio


async def make_breakfast(kitchen) -> list[str]:
    eggs_task = asyncio.create_task(kitchen.boil_eggs())
    toast_task = asyncio.create_task(kitchen.toast_bread())
    coffee_task = asyncio.create_task(kitchen.brew_coffee())
    # Every task is scheduled before the first await, so they cook side by side.
    eggs = await eggs_task
    toast = await toast_task
    coffee = await coffee_task
    return [eggs, toast, coffee]
