"""Sends the stop items in a finally: when cancelled, the workers first handle every job still
in the queue, long after the cancellation.

fails: cancelling_stops_the_workers
says: handle was still called for
"""

import asyncio

STOP = object()


async def process_all(jobs, handle, workers, maxsize):
    queue = asyncio.Queue(maxsize)
    results, errors = {}, {}

    async def worker():
        while (job := await queue.get()) is not STOP:
            try:
                results[job] = await handle(job)
            except Exception as error:
                errors[job] = error

    pool = [asyncio.create_task(worker()) for _ in range(workers)]
    try:
        for job in jobs:
            await queue.put(job)
    finally:
        for _ in range(workers):
            await queue.put(STOP)
        await asyncio.gather(*pool)
    return results, errors
