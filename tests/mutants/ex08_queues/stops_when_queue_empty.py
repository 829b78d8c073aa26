"""Workers loop while the queue is not empty: a worker that finds it empty for a moment (more
workers than room in the queue) ends before the jobs do.

fails: workers_run_at_once
says: ever called handle
"""

import asyncio


async def process_all(jobs, handle, workers, maxsize):
    queue = asyncio.Queue(maxsize)
    results, errors = {}, {}

    async def worker():
        while not queue.empty():
            job = await queue.get()
            try:
                results[job] = await handle(job)
            except Exception as error:
                errors[job] = error
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
