"""main runs worker1 to its end, then worker2: not at the same time.

fails: main_runs_both_workers_at_once
says: one after the other
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
    await worker1(event, log, work)
    await worker2(event, log)
    return log
