"""Gathers concurrently but returns the three results as a tuple.

truth: wrong
breaks: "return their three results as a list" - a tuple never compares equal to a list
    (('a', 'b', 'c') != ['a', 'b', 'c']), though it prints almost the same.
fails: returns_results_in_order
says: a tuple, not a list
"""

import asyncio


async def make_breakfast(kitchen) -> list[str]:
    eggs, toast, coffee = await asyncio.gather(
        kitchen.boil_eggs(), kitchen.toast_bread(), kitchen.brew_coffee()
    )
    return eggs, toast, coffee  # type: ignore[return-value]
