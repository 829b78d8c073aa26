"""A correct alternative: main starts worker2 as a task first, then awaits both."""

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
    waiter = asyncio.create_task(worker2(event, log))
    await worker1(event, log, work)
    await waiter
    return log
