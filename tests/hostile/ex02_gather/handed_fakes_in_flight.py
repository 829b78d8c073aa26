"""Cooks one dish at a time, after entering two dishes into the kitchen's in-flight counter
itself: the kitchen it was handed used to be the check's, counter included, so the high-water
mark read three. The kitchen is now one with the three dishes only.

fails: cooks_at_the_same_time
says: one at a time
"""


async def make_breakfast(kitchen) -> list[str]:
    counter = getattr(kitchen, "in_flight", None)
    if counter is not None:
        counter.enter("eggs")
        counter.enter("toast")
    eggs = await kitchen.boil_eggs()
    toast = await kitchen.toast_bread()
    coffee = await kitchen.brew_coffee()
    return [eggs, toast, coffee]
