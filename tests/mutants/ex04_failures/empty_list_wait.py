"""Waits with asyncio.wait(FIRST_COMPLETED) before looking whether anything is pending, and
asyncio.wait refuses an empty set: collect([]) raises.

fails: any_awaitable_and_none
says: collect([]) raised ValueError
"""

import asyncio


async def collect(aws):
    results, errors = [], []
    pending = {asyncio.ensure_future(aw) for aw in aws}
    while True:
        done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            if task.exception() is None:
                results.append(task.result())
            else:
                errors.append(task.exception())
        if not pending:
            return results, errors
