"""Starts both workers with create_task, then awaits each task.

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
    t1 = asyncio.create_task(worker1(event, log, work))
    t2 = asyncio.create_task(worker2(event, log))
    await t1
    await t2
    return log
