"""worker2 waits for the event in short wait_for slices, re-checking between them.

truth: wrong
breaks: "`worker2` ...: wait for `event` (without polling)" - it wakes every 0.25 s to look at
    the flag again (a timeout loop is polling), even though each slice uses event.wait().

fails: worker2_wakes_up_at_once
says: it polls
"""

import asyncio


async def worker1(event: asyncio.Event, log: list[str], work: float) -> None:
    await asyncio.sleep(work)
    log.append("worker1 done")
    event.set()


async def worker2(event: asyncio.Event, log: list[str]) -> None:
    while not event.is_set():
        try:
            await asyncio.wait_for(event.wait(), timeout=0.25)
        except asyncio.TimeoutError:
            continue
    log.append("worker2 done")


async def main(work: float) -> list[str]:
    event = asyncio.Event()
    log: list[str] = []
    await asyncio.gather(worker1(event, log, work), worker2(event, log))
    return log
