"""Puts results and exceptions into the same list, as they come.

fails: returns_every_result_and_error
says: holds exceptions
"""

import asyncio


async def collect(aws):
    outcomes = []
    for next_done in asyncio.as_completed(aws):
        try:
            outcomes.append(await next_done)
        except Exception as error:
            outcomes.append(error)
    return outcomes, [item for item in outcomes if isinstance(item, Exception)]
