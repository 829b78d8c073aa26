"""A correct alternative: keyword arguments, and wait_for with no timeout around the wait."""

import asyncio


async def worker1(event, log, work):
    await asyncio.sleep(work)
    log += ["worker1 done"]
    event.set()


async def worker2(event, log):
    await asyncio.wait_for(event.wait(), timeout=None)
    log.append("worker2 done")


async def main(work):
    event, log = asyncio.Event(), []
    first = asyncio.create_task(worker1(event=event, log=log, work=work))
    second = asyncio.create_task(worker2(event=event, log=log))
    await asyncio.wait([first, second])
    for task in (first, second):
        task.result()
    return log
