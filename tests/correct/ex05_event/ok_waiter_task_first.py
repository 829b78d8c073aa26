"""Starts worker2 as a background task, runs worker1 inline, then awaits worker2.

truth: correct
"""

import asyncio


async def worker1(event: asyncio.Event, log: list[str], work: float) -> None:
    await asyncio.sleep(work)
    log.append("worker1 done")
    event.set()


async def worker2(event: asyncio.Event, log: list[str]) -> None:
    if not event.is_set():
        await event.wait()
    log.append("worker2 done")


async def main(work: float) -> list[str]:
    event = asyncio.Event()
    log: list[str] = []
    waiter = asyncio.create_task(worker2(event, log))
    try:
        await worker1(event, log, work)   # worker2 is already running beside us
        await waiter
    finally:
        if not waiter.done():
            waiter.cancel()
    return log
