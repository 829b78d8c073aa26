"""Waits for the three tasks with asyncio.wait and reads the results off the `done` set, whose
order is arbitrary.

fails: returns_results_in_order
says: in that order
"""

import asyncio


async def make_breakfast(kitchen) -> list[str]:
    tasks = [asyncio.create_task(kitchen.boil_eggs()), asyncio.create_task(kitchen.toast_bread()),
             asyncio.create_task(kitchen.brew_coffee())]
    done, _ = await asyncio.wait(tasks)
    return [task.result() for task in done]
