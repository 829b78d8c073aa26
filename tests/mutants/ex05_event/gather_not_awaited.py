"""main starts the workers with gather but does not await it: it returns the log at once.

fails: main_runs_both_workers_at_once, workers_work_together
says: was still running
"""

import asyncio


async def worker1(event, log, work):
    await asyncio.sleep(work)
    log.append("worker1 done")
    event.set()


async def worker2(event, log):
    await event.wait()
    log.append("worker2 done")


async def main(work):
    event = asyncio.Event()
    log = []
    asyncio.gather(worker1(event, log, work), worker2(event, log))
    return log
