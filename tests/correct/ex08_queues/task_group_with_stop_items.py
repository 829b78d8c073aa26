"""A correct alternative: a TaskGroup of workers that end on a stop item, one per worker."""

import asyncio

STOP = None


async def process_all(jobs, handle, workers, maxsize):
    queue = asyncio.Queue(maxsize)
    results, errors = {}, {}

    async def worker():
        while True:
            job = await queue.get()
            if job is STOP:
                return
            try:
                results[job] = await handle(job)
            except Exception as error:
                errors[job] = error

    async with asyncio.TaskGroup() as group:
        for _ in range(workers):
            group.create_task(worker())
        for job in jobs:
            await queue.put(job)
        for _ in range(workers):
            await queue.put(STOP)
    return results, errors
