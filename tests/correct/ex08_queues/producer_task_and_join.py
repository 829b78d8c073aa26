"""A correct alternative: the producer is a task too; join, then cancel everything in finally."""

import asyncio
import contextlib


async def process_all(jobs, handle, workers, maxsize):
    queue = asyncio.Queue(maxsize)
    results, errors = {}, {}

    async def produce():
        for job in jobs:
            await queue.put(job)

    async def work():
        while True:
            job = await queue.get()
            try:
                results[job] = await handle(job)
            except Exception as error:
                errors[job] = error
            finally:
                queue.task_done()

    tasks = [asyncio.create_task(work()) for _ in range(workers)]
    producer = asyncio.create_task(produce())
    try:
        await producer
        await queue.join()
    finally:
        for task in [producer, *tasks]:
            task.cancel()
        for task in [producer, *tasks]:
            with contextlib.suppress(asyncio.CancelledError):
                await task
    return results, errors
