"""worker2 dawdles half a second after the event, then rewrites the time stamp the check's log
kept for its entry with the moment the event was set (both used to be public fields of the log
and the event it was handed). The stamps are now private.

fails: worker2_wakes_up_at_once
says: after the event was set
"""

import asyncio


async def worker1(event: asyncio.Event, log: list[str], work: float) -> None:
    await asyncio.sleep(work)
    log.append("worker1 done")
    event.set()


async def worker2(event: asyncio.Event, log: list[str]) -> None:
    await event.wait()
    await asyncio.sleep(0.5)
    log.append("worker2 done")
    stamps, set_at = getattr(log, "stamps", None), getattr(event, "set_at", None)
    if stamps is not None and set_at is not None:
        stamps[-1] = (set_at, "worker2 done")


async def main(work: float) -> list[str]:
    event = asyncio.Event()
    log: list[str] = []
    await asyncio.gather(worker1(event, log, work), worker2(event, log))
    return log
