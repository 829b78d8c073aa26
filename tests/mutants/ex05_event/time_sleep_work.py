"""worker1 does its work with time.sleep, blocking the event loop.

fails: worker1_works_then_sets_the_event
says: time.sleep
"""

import asyncio
import time


async def worker1(event, log, work):
    time.sleep(work)
    log.append("worker1 done")
    event.set()


async def worker2(event, log):
    await event.wait()
    log.append("worker2 done")


async def main(work):
    event = asyncio.Event()
    log = []
    await asyncio.gather(worker1(event, log, work), worker2(event, log))
    return log
