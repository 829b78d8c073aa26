"""Returns what asyncio.gather returns, without awaiting it.

fails: returns_results_in_order
says: asyncio.gather(...) returns, never awaited
"""

import asyncio


async def make_breakfast(kitchen) -> list[str]:
    return asyncio.gather(kitchen.boil_eggs(), kitchen.toast_bread(), kitchen.brew_coffee())
