"""Keeps one Event at module level and reuses it in every call of main.

truth: wrong
breaks: "`main` ...: create the Event and an empty log" - the Event is created once at import;
    after the first call it stays set, so on the next call worker2 does not wait and logs
    before worker1 (the first call prints the right answer).

fails: main_runs_both_workers_at_once
says: same Event both times
"""

import asyncio

_EVENT = asyncio.Event()


async def worker1(event: asyncio.Event, log: list[str], work: float) -> None:
    await asyncio.sleep(work)
    log.append("worker1 done")
    event.set()


async def worker2(event: asyncio.Event, log: list[str]) -> None:
    await event.wait()
    log.append("worker2 done")


async def main(work: float) -> list[str]:
    log: list[str] = []
    await asyncio.gather(worker1(_EVENT, log, work), worker2(_EVENT, log))
    return log
