"""Gathers a producer and the workers (the producer sends stop items). Cancelled, gather ends as
soon as its first child ends cancelled - the producer, at once - without waiting for the workers:
a worker whose handle takes time to end is left running after process_all.

fails: cancelling_stops_the_workers
says: without waiting for its workers
"""

import asyncio

_STOP = object()


async def process_all(jobs, handle, workers, maxsize):
    queue: asyncio.Queue = asyncio.Queue(maxsize=maxsize)
    results, errors = {}, {}

    async def produce():
        for job in jobs:
            await queue.put(job)
        for _ in range(workers):
            await queue.put(_STOP)

    async def consume():
        while (job := await queue.get()) is not _STOP:
            try:
                results[job] = await handle(job)
            except Exception as error:
                errors[job] = error

    await asyncio.gather(produce(), *(consume() for _ in range(workers)))
    return results, errors
