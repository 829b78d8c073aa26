"""Waits for the queue to empty and returns, leaving the workers waiting on get for ever.

fails: no_worker_left_behind
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

    for _ in range(workers):
        asyncio.create_task(worker())
    for job in jobs:
        await queue.put(job)
    await queue.join()
    return results, errors
