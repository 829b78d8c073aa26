"""worker2 polls event.is_set() with short sleeps: it notices the event late.

fails: worker2_wakes_up_at_once
says: after the event was set
"""

import asyncio


async def worker1(event, log, work):
    await asyncio.sleep(work)
    log.append("worker1 done")
    event.set()


async def worker2(event, log):
    while not event.is_set():
        await asyncio.sleep(0.1)
    log.append("worker2 done")


async def main(work):
    event = asyncio.Event()
    log = []
    await asyncio.gather(worker1(event, log, work), worker2(event, log))
    return log
