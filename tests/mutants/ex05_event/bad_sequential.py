"""main awaits worker1 to the end and only then starts worker2.

truth: wrong
breaks: "`main` ...: run `worker1` and `worker2` at the same time" - worker2 is not started
    until worker1 has finished; it finds the event already set, so the log looks right.

fails: main_runs_both_workers_at_once
says: one after the other
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
    await worker1(event, log, work)
    await worker2(event, log)
    return log
