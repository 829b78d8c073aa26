"""Schedule tasks in a list, asyncio.wait for all of them, then read results in list order.

truth: correct
"""

import asyncio


async def make_breakfast(kitchen) -> list[str]:
    dishes = [kitchen.boil_eggs, kitchen.toast_bread, kitchen.brew_coffee]
    tasks = [asyncio.ensure_future(cook()) for cook in dishes]
    await asyncio.wait(tasks, return_when=asyncio.ALL_COMPLETED)
    # Read from the list (ordered), never from the returned `done` set (unordered).
    return [task.result() for task in tasks]
