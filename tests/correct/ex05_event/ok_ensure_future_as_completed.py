"""Schedules both workers with ensure_future and drains them with as_completed.

truth: correct
"""

import asyncio


async def worker1(event: asyncio.Event, log: list[str], work: float) -> None:
    await asyncio.sleep(work)
    log.append("worker1 done")
    event.set()


async def worker2(event: asyncio.Event, log: list[str]) -> None:
    await event.wait()
    log.append("worker2 done")


async def main(work: float) -> list[str]:
    event = asyncio.Event()
    log: list[str] = []
    futures = [
        asyncio.ensure_future(worker1(event, log, work)),
        asyncio.ensure_future(worker2(event, log)),
    ]
    for fut in asyncio.as_completed(futures):
        await fut
    return log
