"""Records the text of each error instead of the exception handle raised.

fails: failing_job_does_not_stop_the_pool
says: should be the exception handle raised
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
                errors[job] = str(error)
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
        await asyncio.gather(*pool, return_exceptions=True)
    return results, errors
