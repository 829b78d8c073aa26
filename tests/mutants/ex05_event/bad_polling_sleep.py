"""worker2 checks event.is_set() in a loop with short asyncio.sleep calls.

truth: wrong
breaks: "`worker2` ...: wait for `event` (without polling)" - it polls the flag every 0.1 s
    instead of awaiting event.wait(), so it wakes up to 0.1 s late and keeps waking the loop.

fails: worker2_wakes_up_at_once
says: noticed the event late
"""

import asyncio


async def worker1(event: asyncio.Event, log: list[str], work: float) -> None:
    await asyncio.sleep(work)
    log.append("worker1 done")
    event.set()


async def worker2(event: asyncio.Event, log: list[str]) -> None:
    while not event.is_set():
        await asyncio.sleep(0.1)
    log.append("worker2 done")


async def main(work: float) -> list[str]:
    event = asyncio.Event()
    log: list[str] = []
    await asyncio.gather(worker1(event, log, work), worker2(event, log))
    return log
