"""worker2 calls event.wait() without await: the coroutine is created and dropped, nothing waits.

fails: worker2_waits_for_the_event
says: event.wait() without awaiting it
"""

import asyncio


async def worker1(event, log, work):
    await asyncio.sleep(work)
    log.append("worker1 done")
    event.set()


async def worker2(event, log):
    event.wait()
    log.append("worker2 done")


async def main(work):
    event = asyncio.Event()
    log = []
    await asyncio.gather(worker1(event, log, work), worker2(event, log))
    return log
