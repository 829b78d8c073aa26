"""Calls the dishes without awaiting them.

fails: returns_results_in_order
says: coroutine objects
"""


async def make_breakfast(kitchen) -> list[str]:
    return [kitchen.boil_eggs(), kitchen.toast_bread(), kitchen.brew_coffee()]
