"""Stops the workers in a finally around join() only: cancelled while it still feeds the
queue, process_all leaves every worker running.

fails: cancelling_stops_the_workers
says: kept running
"""

import asyncio


async def process_all(jobs, handle, workers, maxsize):
    queue = asyncio.Queue(maxsize)
    results, errors = {}, {}

    async def worker():
        while True:
            job = await queue.get()
            try:
                results[job] = await handle(job)
            except Exception as error:
                errors[job] = error
            finally:
                queue.task_done()

    pool = [asyncio.create_task(worker()) for _ in range(workers)]
    for job in jobs:
        await queue.put(job)
    try:
        await queue.join()
    finally:
        for task in pool:
            task.cancel()
        await asyncio.gather(*pool, return_exceptions=True)
    return results, errors
