"""Cooks all three concurrently but returns the strings from the Example instead of the results.

truth: wrong
breaks: "return their three results as a list" - the returned strings are the Example's, not what
    this kitchen's methods returned; any kitchen with other dishes gets the wrong breakfast.
fails: returns_results_in_order
says: expected [
"""

import asyncio


async def make_breakfast(kitchen) -> list[str]:
    await asyncio.gather(kitchen.boil_eggs(), kitchen.toast_bread(), kitchen.brew_coffee())
    return ["soft-boiled eggs", "golden toast", "black coffee"]
