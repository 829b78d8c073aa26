"""worker1 never sets the event: worker2 waits for ever (a deadlock).

fails: workers_work_together
says: deadlock
"""

import asyncio


async def worker1(event, log, work):
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
