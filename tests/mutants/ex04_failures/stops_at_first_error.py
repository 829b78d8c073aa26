"""Takes the jobs as they complete but returns as soon as one of them fails.

fails: returns_every_result_and_error
says: stopped at the first error
"""

import asyncio


async def collect(aws):
    results, errors = [], []
    for next_done in asyncio.as_completed(aws):
        try:
            results.append(await next_done)
        except Exception as error:
            errors.append(error)
            break
    return results, errors
