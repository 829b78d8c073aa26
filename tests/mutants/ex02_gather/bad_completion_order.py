"""Collects the dishes with as_completed, appending each one as it becomes ready.

truth: wrong
breaks: "return their three results as a list, in that order: [eggs, toast, coffee]" - the list
    follows finishing order (coffee, toast, eggs in the Example), not the menu order.
fails: returns_results_in_order
says: the order the dishes finished in
"""

import asyncio


async def make_breakfast(kitchen) -> list[str]:
    ready = []
    for dish in asyncio.as_completed(
        [kitchen.boil_eggs(), kitchen.toast_bread(), kitchen.brew_coffee()]
    ):
        ready.append(await dish)
    return ready
