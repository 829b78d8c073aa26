"""Start the three dishes in an asyncio.TaskGroup and read the task results after it closes.

truth: correct
"""

import asyncio


async def make_breakfast(kitchen) -> list[str]:
    async with asyncio.TaskGroup() as tg:
        eggs = tg.create_task(kitchen.boil_eggs())
        toast = tg.create_task(kitchen.toast_bread())
        coffee = tg.create_task(kitchen.brew_coffee())
    return [eggs.result(), toast.result(), coffee.result()]
