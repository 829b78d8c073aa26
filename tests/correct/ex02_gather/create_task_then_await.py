"""A correct alternative: create_task for each, then await each."""

import asyncio


async def make_breakfast(kitchen) -> list[str]:
    eggs = asyncio.create_task(kitchen.boil_eggs())
    toast = asyncio.create_task(kitchen.toast_bread())
    coffee = asyncio.create_task(kitchen.brew_coffee())
    return [await eggs, await toast, await coffee]
