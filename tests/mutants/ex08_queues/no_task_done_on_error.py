"""Calls task_done() only after a job that succeeded: join() waits for ever for the failed ones.

fails: failing_job_does_not_stop_the_pool
says: task_done()
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
                queue.task_done()
            except Exception as error:
                errors[job] = error

    pool = [asyncio.create_task(worker()) for _ in range(workers)]
    try:
        for job in jobs:
            await queue.put(job)
        await queue.join()
    finally:
        for task in pool:
            task.cancel()
        await asyncio.gather(*pool, return_exceptions=True)
    return results, errors
