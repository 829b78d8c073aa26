"""Starts a task for every job it takes from the queue: no limit on jobs at once.

fails: workers_run_at_once
says: exactly
"""

import asyncio


async def process_all(jobs, handle, workers, maxsize):
    queue = asyncio.Queue(maxsize)
    results, errors = {}, {}
    running = []

    async def one(job):
        try:
            results[job] = await handle(job)
        except Exception as error:
            errors[job] = error

    async def dispatcher():
        while True:
            job = await queue.get()
            running.append(asyncio.create_task(one(job)))
            queue.task_done()

    pool = [asyncio.create_task(dispatcher()) for _ in range(workers)]
    try:
        for job in jobs:
            await queue.put(job)
        await queue.join()
        await asyncio.gather(*running)
    finally:
        for task in pool:
            task.cancel()
        await asyncio.gather(*pool, return_exceptions=True)
    return results, errors
