"""Awaits each dish before starting the next.

fails: cooks_at_the_same_time
says: one at a time
"""


async def make_breakfast(kitchen) -> list[str]:
    eggs = await kitchen.boil_eggs()
    toast = await kitchen.toast_bread()
    coffee = await kitchen.brew_coffee()
    return [eggs, toast, coffee]
