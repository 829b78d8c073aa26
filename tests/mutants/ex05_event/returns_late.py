"""main runs both workers at the same time, then waits 2.5 s more before returning the log.

The log is right and the workers ran side by side: the checks looked only at that and at a lower
bound on the time, and passed it (issue 22, item 4: extra waiting after the work is over). The
lesson: "after 2.0 s; worker2 logs the moment worker1 is done".

truth: wrong
breaks: "run `worker1` and `worker2` at the same time, and return the log" - after 2.0 s.
fails: workers_work_together
says: more went by than the work needs
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
    await asyncio.gather(worker1(event, log, work), worker2(event, log))
    await asyncio.sleep(2.5)
    return log
