"""worker2 spins on asyncio.sleep(0) until the event is set: the clock can never move.

fails: worker2_waits_for_the_event
says: kept the event loop busy
"""

import asyncio


async def worker1(event, log, work):
    await asyncio.sleep(work)
    log.append("worker1 done")
    event.set()


async def worker2(event, log):
    while not event.is_set():
        await asyncio.sleep(0)
    log.append("worker2 done")


async def main(work):
    event = asyncio.Event()
    log = []
    await asyncio.gather(worker1(event, log, work), worker2(event, log))
    return log
