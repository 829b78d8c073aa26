"""Gathers eggs and toast together but brews the coffee only after they are done.

truth: wrong
breaks: "Cook all three at the same time" - only two dishes run together; the coffee starts after
    the eggs finish (3 s + 1 s = 4 s in the Example, not 3 s). The list is correct.
fails: cooks_at_the_same_time
says: at most 2 at a time
"""

import asyncio


async def make_breakfast(kitchen) -> list[str]:
    eggs, toast = await asyncio.gather(kitchen.boil_eggs(), kitchen.toast_bread())
    coffee = await kitchen.brew_coffee()  # fresh coffee, served hot
    return [eggs, toast, coffee]
