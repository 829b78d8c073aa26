"""Stops the workers in an except around the feeding only, then again after join(): cancelled
while it waits in join(), process_all leaves every worker running.

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

    async def stop():
        for task in pool:
            task.cancel()
        await asyncio.gather(*pool, return_exceptions=True)

    pool = [asyncio.create_task(worker()) for _ in range(workers)]
    try:
        for job in jobs:
            await queue.put(job)
    except asyncio.CancelledError:
        await stop()
        raise
    await queue.join()
    await stop()
    return results, errors
