"""A correct alternative: asyncio.wait(FIRST_COMPLETED) in a loop."""

import asyncio


async def collect(aws):
    results, errors = [], []
    pending = {asyncio.ensure_future(aw) for aw in aws}
    while pending:
        done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if task.exception() is None:
                results.append(task.result())
            else:
                errors.append(task.exception())
    return results, errors
