"""A correct alternative: gather a producer task and the workers; the producer sends stop items."""

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
