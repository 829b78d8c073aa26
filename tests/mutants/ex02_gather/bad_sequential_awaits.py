"""Awaits each dish in turn: eggs, then toast, then coffee.

truth: wrong
breaks: "Cook all three at the same time" - each await finishes one dish before the next starts,
    so 3 s + 2 s + 1 s = 6 s instead of 3 s (the list is still right).
fails: cooks_at_the_same_time
says: one at a time
"""

import asyncio  # noqa: F401


async def make_breakfast(kitchen) -> list[str]:
    eggs = await kitchen.boil_eggs()
    toast = await kitchen.toast_bread()
    coffee = await kitchen.brew_coffee()
    return [eggs, toast, coffee]
