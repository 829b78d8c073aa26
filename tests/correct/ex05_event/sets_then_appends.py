"""A correct alternative: worker1 sets the event, then appends with no await in between, so no
waiter can run before the entry is there: every waiter still finds it in the log."""

import asyncio


async def worker1(event, log, work):
    await asyncio.sleep(work)
    event.set()
    log.append("worker1 done")


async def worker2(event, log):
    await event.wait()
    log.append("worker2 done")


async def main(work):
    event = asyncio.Event()
    log = []
    await asyncio.gather(worker1(event, log, work), worker2(event, log))
    return log
