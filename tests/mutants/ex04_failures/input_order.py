"""Gathers with return_exceptions=True and splits the list: input order, not completion order.

fails: results_in_completion_order
says: the order they were passed in
"""

import asyncio


async def collect(aws):
    outcomes = await asyncio.gather(*aws, return_exceptions=True)
    results = [item for item in outcomes if not isinstance(item, Exception)]
    errors = [item for item in outcomes if isinstance(item, Exception)]
    return results, errors
