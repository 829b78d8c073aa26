"""Stops the workers only when everything went well: a cancelled process_all leaves them running.

fails: cancelling_stops_the_workers
says: kept running
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
    for job in jobs:
        await queue.put(job)
    await queue.join()
    for task in pool:
        task.cancel()
    await asyncio.gather(*pool, return_exceptions=True)
    return results, errors
