"""worker2 waits with a short timeout in a loop: it wakes in time, but it polls all along.

fails: worker2_wakes_up_at_once
says: it polls
"""

import asyncio


async def worker1(event, log, work):
    await asyncio.sleep(work)
    log.append("worker1 done")
    event.set()


async def worker2(event, log):
    while True:
        try:
            await asyncio.wait_for(event.wait(), timeout=0.1)
            break
        except TimeoutError:
            pass
    log.append("worker2 done")


async def main(work):
    event = asyncio.Event()
    log = []
    await asyncio.gather(worker1(event, log, work), worker2(event, log))
    return log
