"""worker1 calls asyncio.sleep(work) without await: no time passes, the event is set at once.

fails: worker1_works_then_sets_the_event
says: sleep() without awaiting it
"""

import asyncio


async def worker1(event, log, work):
    asyncio.sleep(work)
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
