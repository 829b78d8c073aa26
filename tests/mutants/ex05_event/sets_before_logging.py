"""worker1 sets the event first and appends its entry after.

fails: worker1_works_then_sets_the_event
says: set the event before appending
"""

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
