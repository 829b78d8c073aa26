"""Wraps every awaitable with asyncio.create_task, which takes only coroutines: a task or any
other awaitable in the list makes it raise TypeError.

fails: any_awaitable_and_none
says: collect raised TypeError
"""

import asyncio


async def collect(aws):
    results, errors = [], []
    for next_done in asyncio.as_completed([asyncio.create_task(aw) for aw in aws]):
        try:
            results.append(await next_done)
        except Exception as error:
            errors.append(error)
    return results, errors
