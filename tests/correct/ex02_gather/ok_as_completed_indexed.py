"""Use as_completed with index-tagged helper coroutines and slot each result back into place.

truth: correct
"""

import asyncio


async def _tagged(index: int, aw):
    return index, await aw


async def make_breakfast(kitchen) -> list[str]:
    jobs = [kitchen.boil_eggs(), kitchen.toast_bread(), kitchen.brew_coffee()]
    plate: list[str | None] = [None] * len(jobs)
    for finished in asyncio.as_completed([_tagged(i, job) for i, job in enumerate(jobs)]):
        index, dish = await finished
        plate[index] = dish
    return plate  # type: ignore[return-value]
