"""Starts worker2 as a task but returns as soon as worker1 is done, without awaiting worker2.

truth: wrong
breaks: "`main` ...: run `worker1` and `worker2` at the same time, and return the log" - main
    returns before worker2 has run after the set, so the returned log lacks "worker2 done" and
    the worker2 task is left pending.

fails: main_runs_both_workers_at_once, workers_work_together
says: was still running
"""

import asyncio

_background: set[asyncio.Task] = set()


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
    task = asyncio.create_task(worker2(event, log))
    _background.add(task)
    task.add_done_callback(_background.discard)
    await worker1(event, log, work)
    return log
