"""Uses asyncio.wait and reads the results from the returned `done` set.

truth: wrong
breaks: "return their three results as a list, in that order: [eggs, toast, coffee]" - `done` is a
    set, so its iteration order is arbitrary (hash order of the task objects); the order of the
    list is luck.
fails: returns_results_in_order
says: in that order
"""

import asyncio


async def make_breakfast(kitchen) -> list[str]:
    tasks = [
        asyncio.create_task(kitchen.boil_eggs()),
        asyncio.create_task(kitchen.toast_bread()),
        asyncio.create_task(kitchen.brew_coffee()),
    ]
    done, _pending = await asyncio.wait(tasks)
    return [task.result() for task in done]
