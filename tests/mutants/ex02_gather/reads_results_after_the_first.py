"""Starts the three dishes as tasks, awaits the eggs, then reads the other two with .result().

truth: wrong
breaks: "returns the three results in order" - .result() of a task that has not finished raises
    InvalidStateError; it works only while the eggs take longest, so the toast and the coffee are
    done by the time the eggs are.
fails: returns_results_in_order
says: InvalidStateError
"""

import asyncio


async def make_breakfast(kitchen) -> list[str]:
    eggs = asyncio.create_task(kitchen.boil_eggs())
    toast = asyncio.create_task(kitchen.toast_bread())
    coffee = asyncio.create_task(kitchen.brew_coffee())
    return [await eggs, toast.result(), coffee.result()]
