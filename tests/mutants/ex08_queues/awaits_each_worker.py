"""Awaits each worker inside the loop that should start them: one worker at a time.

fails: workers_run_at_once
says: one at a time
"""

import asyncio

STOP = object()


async def process_all(jobs, handle, workers, maxsize):
    queue = asyncio.Queue(maxsize)
    results, errors = {}, {}

    async def producer():
        for job in jobs:
            await queue.put(job)
        for _ in range(workers):
            await queue.put(STOP)

    async def worker():
        while (job := await queue.get()) is not STOP:
            try:
                results[job] = await handle(job)
            except Exception as error:
                errors[job] = error

    feeding = asyncio.create_task(producer())
    for _ in range(workers):
        await worker()
    await feeding
    return results, errors
