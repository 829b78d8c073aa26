"""worker1 sets the event first and appends its log entry afterwards.

truth: correct
Relabelled after grading: the corpus wrote this as `bad_set_before_log.py` with "truth: wrong",
breaking "`worker1` ...: append "worker1 done" to `log`, then set `event`". The issue this kit is
built for rules that `event.set()` followed by `log.append(...)` with no `await` between them is
identical for every waiter: set() only schedules the waiters, and none of them runs before worker1
reaches its next await, by which time the entry is in the log. So it must pass, like
tests/correct/ex05_event/sets_then_appends.py.
"""

import asyncio


async def worker1(event: asyncio.Event, log: list[str], work: float) -> None:
    await asyncio.sleep(work)
    event.set()
    log.append("worker1 done")


async def worker2(event: asyncio.Event, log: list[str]) -> None:
    await event.wait()
    log.append("worker2 done")


async def main(work: float) -> list[str]:
    event = asyncio.Event()
    log: list[str] = []
    await asyncio.gather(worker1(event, log, work), worker2(event, log))
    return log
