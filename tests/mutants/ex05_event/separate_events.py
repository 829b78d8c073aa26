"""main gives each worker an Event of its own: worker1 sets one, worker2 waits on the other.

fails: main_runs_both_workers_at_once
says: different events
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
    log = []
    await asyncio.gather(worker1(asyncio.Event(), log, work), worker2(asyncio.Event(), log))
    return log
