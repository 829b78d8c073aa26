"""A correct alternative: TaskGroup."""

import asyncio


async def make_breakfast(kitchen) -> list[str]:
    async with asyncio.TaskGroup() as group:
        eggs = group.create_task(kitchen.boil_eggs())
        toast = group.create_task(kitchen.toast_bread())
        coffee = group.create_task(kitchen.brew_coffee())
    return [eggs.result(), toast.result(), coffee.result()]
