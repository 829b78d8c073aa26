"""Returns the results in the order the dishes finished.

fails: returns_results_in_order
says: in that order
"""

import asyncio


async def make_breakfast(kitchen) -> list[str]:
    dishes = [kitchen.boil_eggs(), kitchen.toast_bread(), kitchen.brew_coffee()]
    return [await dish for dish in asyncio.as_completed(dishes)]
