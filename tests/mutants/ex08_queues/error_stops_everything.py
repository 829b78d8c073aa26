"""Lets handle's exception out of the worker; gather passes the first one on.

fails: failing_job_does_not_stop_the_pool
says: one failing job stopped everything
"""

import asyncio

STOP = object()


async def process_all(jobs, handle, workers, maxsize):
    queue = asyncio.Queue(maxsize)
    results = {}

    async def producer():
        for job in jobs:
            await queue.put(job)
        for _ in range(workers):
            await queue.put(STOP)

    async def worker():
        while (job := await queue.get()) is not STOP:
            results[job] = await handle(job)

    await asyncio.gather(producer(), *(worker() for _ in range(workers)))
    return results, {}
