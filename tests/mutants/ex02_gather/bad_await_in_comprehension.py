"""Creates the three coroutines up front, then awaits them in a list comprehension.

truth: wrong
breaks: "Cook all three at the same time" - a coroutine object does not run until awaited, so the
    comprehension still cooks one dish after another (6 s, not 3 s) despite looking concurrent.
fails: cooks_at_the_same_time
says: one at a time
"""

import asyncio  # noqa: F401


async def make_breakfast(kitchen) -> list[str]:
    dishes = [kitchen.boil_eggs(), kitchen.toast_bread(), kitchen.brew_coffee()]
    return [await dish for dish in dishes]
