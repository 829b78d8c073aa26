"""A correct alternative: a done callback on each task, then wait for all of them."""

import asyncio


async def collect(aws):
    results, errors = [], []

    def sort_out(task):
        error = task.exception()
        if error is None:
            results.append(task.result())
        else:
            errors.append(error)

    tasks = [asyncio.ensure_future(aw) for aw in aws]
    for task in tasks:
        task.add_done_callback(sort_out)
    await asyncio.gather(*tasks, return_exceptions=True)
    return results, errors
