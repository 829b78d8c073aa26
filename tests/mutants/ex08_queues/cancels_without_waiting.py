"""Cancels the workers but never waits for them to end: they are still running when
process_all returns, or ends cancelled.

fails: no_worker_left_behind, cancelling_stops_the_workers
says: still running
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
    try:
        for job in jobs:
            await queue.put(job)
        await queue.join()
    finally:
        for task in pool:
            task.cancel()
    return results, errors
