"""worker1 sets the event before doing its work.

fails: worker1_works_then_sets_the_event
says: before its
"""

import asyncio


async def worker1(event, log, work):
    event.set()
    await asyncio.sleep(work)
    log.append("worker1 done")


async def worker2(event, log):
    await event.wait()
    log.append("worker2 done")


async def main(work):
    event = asyncio.Event()
    log = []
    await asyncio.gather(worker1(event, log, work), worker2(event, log))
    return log
