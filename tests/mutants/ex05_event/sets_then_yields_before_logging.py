"""worker1 sets the event, then awaits before it appends: the woken waiter runs first and
finds no entry from worker1.

fails: worker1_works_then_sets_the_event
says: set the event before appending
"""

import asyncio


async def worker1(event, log, work):
    await asyncio.sleep(work)
    event.set()
    await asyncio.sleep(0)
    log.append("worker1 done")


async def worker2(event, log):
    await event.wait()
    log.append("worker2 done")


async def main(work):
    event = asyncio.Event()
    log = []
    await asyncio.gather(worker1(event, log, work), worker2(event, log))
    return log
