"""A correct alternative: as_completed, then put the results back in order."""

import asyncio


async def make_breakfast(kitchen) -> list[str]:
    tasks = [asyncio.create_task(kitchen.boil_eggs()), asyncio.create_task(kitchen.toast_bread()),
             asyncio.create_task(kitchen.brew_coffee())]
    for next_done in asyncio.as_completed(tasks):
        await next_done
    return [task.result() for task in tasks]
