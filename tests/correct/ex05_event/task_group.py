"""A correct alternative: main runs the workers in a TaskGroup."""

import asyncio


async def worker1(event, log, work):
    await asyncio.sleep(work)
    log.append("worker1 done")
    event.set()


async def worker2(event, log):
    await event.wait()
    log.append("worker2 done")


async def main(work):
    event = asyncio.Event()
    log = []
    async with asyncio.TaskGroup() as group:
        group.create_task(worker1(event, log, work))
        group.create_task(worker2(event, log))
    return log
