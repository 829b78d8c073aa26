"""worker1 simulates its work with time.sleep.

truth: wrong
breaks: "`worker1` ...: do `work` seconds of simulated work without blocking the event loop" -
    time.sleep holds the loop's thread for the whole duration.

fails: worker1_works_then_sets_the_event
says: time.sleep
"""

import asyncio
import time


async def worker1(event: asyncio.Event, log: list[str], work: float) -> None:
    time.sleep(work)
    log.append("worker1 done")
    event.set()


async def worker2(event: asyncio.Event, log: list[str]) -> None:
    await event.wait()
    log.append("worker2 done")


async def main(work: float) -> list[str]:
    event = asyncio.Event()
    log: list[str] = []
    await asyncio.gather(worker1(event, log, work), worker2(event, log))
    return log
