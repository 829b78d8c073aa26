"""Starts the three dishes as tasks and returns the tasks instead of their results.

fails: returns_results_in_order
says: never awaited
"""

import asyncio


async def make_breakfast(kitchen) -> list[str]:
    eggs = asyncio.create_task(kitchen.boil_eggs())
    toast = asyncio.create_task(kitchen.toast_bread())
    coffee = asyncio.create_task(kitchen.brew_coffee())
    return [eggs, toast, coffee]
