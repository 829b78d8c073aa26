"""The try/except is around the worker's whole loop: a worker ends at its first failing job.

fails: failing_job_does_not_stop_the_pool
says: stopped at its failed job
"""

import asyncio


async def process_all(jobs, handle, workers, maxsize):
    queue = asyncio.Queue(maxsize)
    results, errors = {}, {}

    async def worker():
        try:
            while True:
                job = await queue.get()
                results[job] = await handle(job)
                queue.task_done()
        except Exception as error:
            errors[job] = error
            queue.task_done()

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
