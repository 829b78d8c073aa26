"""Wraps each dish in create_task but awaits every task on the line that creates it.

truth: wrong
breaks: "Cook all three at the same time" - awaiting each task before creating the next means only
    one dish is ever in flight; total time is the sum of the three.
fails: cooks_at_the_same_time
says: one at a time
"""

import asyncio


async def make_breakfast(kitchen) -> list[str]:
    eggs = await asyncio.create_task(kitchen.boil_eggs())
    toast = await asyncio.create_task(kitchen.toast_bread())
    coffee = await asyncio.create_task(kitchen.brew_coffee())
    return [eggs, toast, coffee]
