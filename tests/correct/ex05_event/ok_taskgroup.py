"""Runs both workers inside an asyncio.TaskGroup (Python 3.11+).

truth: correct
"""

import asyncio


async def worker1(event: asyncio.Event, log: list[str], work: float) -> None:
    # simulated work that yields to the loop for its whole duration
    await asyncio.sleep(work)
    log.append("worker1 done")
    event.set()


async def worker2(event: asyncio.Event, log: list[str]) -> None:
    await event.wait()
    log.append("worker2 done")


async def main(work: float) -> list[str]:
    event = asyncio.Event()
    log: list[str] = []
    async with asyncio.TaskGroup() as tg:
        tg.create_task(worker2(event, log), name="worker2")
        tg.create_task(worker1(event, log, work), name="worker1")
    return log
