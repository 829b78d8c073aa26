"""worker2 spins on event.is_set() with asyncio.sleep(0) between checks.

truth: wrong
breaks: "`worker2` ...: wait for `event` (without polling)" - busy-waits with sleep(0); it
    notices the set at once but never lets the loop rest while worker1 works.

fails: worker2_waits_for_the_event, worker2_wakes_up_at_once
says: kept the event loop busy
"""

import asyncio


async def worker1(event: asyncio.Event, log: list[str], work: float) -> None:
    await asyncio.sleep(work)
    log.append("worker1 done")
    event.set()


async def worker2(event: asyncio.Event, log: list[str]) -> None:
    while True:
        if event.is_set():
            break
        await asyncio.sleep(0)
    log.append("worker2 done")


async def main(work: float) -> list[str]:
    event = asyncio.Event()
    log: list[str] = []
    t1 = asyncio.create_task(worker1(event, log, work))
    t2 = asyncio.create_task(worker2(event, log))
    await asyncio.gather(t1, t2)
    return log
