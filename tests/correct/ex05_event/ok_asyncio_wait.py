"""Runs both workers as tasks and waits for both with asyncio.wait(ALL_COMPLETED).

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
    tasks = {
        asyncio.create_task(worker1(event, log, work)),
        asyncio.create_task(worker2(event, log)),
    }
    done, _pending = await asyncio.wait(tasks, return_when=asyncio.ALL_COMPLETED)
    for task in done:
        task.result()  # re-raise anything that went wrong in a worker
    return log
