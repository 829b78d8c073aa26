"""Waits for all the tasks with asyncio.wait and reads them off the `done` set, whose order has
nothing to do with the order they finished in.

fails: results_in_completion_order
says: in that order
"""

import asyncio


async def collect(aws):
    results, errors = [], []
    done, _ = await asyncio.wait([asyncio.ensure_future(aw) for aw in aws])
    for task in done:
        if task.exception() is None:
            results.append(task.result())
        else:
            errors.append(task.exception())
    return results, errors
