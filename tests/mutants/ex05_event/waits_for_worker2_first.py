"""main awaits worker2 before it starts worker1: worker2 waits for an event nobody will set.

fails: main_runs_both_workers_at_once, workers_work_together
says: deadlock
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
    await worker2(event, log)
    await worker1(event, log, work)
    return log
