"""Keeps the text of each exception instead of the exception itself.

fails: returns_every_result_and_error
says: returned things no job produced
"""

import asyncio


async def collect(aws):
    results, errors = [], []
    for next_done in asyncio.as_completed(aws):
        try:
            results.append(await next_done)
        except Exception as error:
            errors.append(str(error))
    return results, errors
