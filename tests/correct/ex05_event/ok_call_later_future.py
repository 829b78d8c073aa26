"""worker1 does its simulated work with loop.call_later and a future; main uses gather.

truth: correct
"""

import asyncio


async def worker1(event: asyncio.Event, log: list[str], work: float) -> None:
    loop = asyncio.get_running_loop()
    done = loop.create_future()
    handle = loop.call_later(work, lambda: done.done() or done.set_result(None))
    try:
        await done            # suspended, the loop is free, for `work` seconds
    finally:
        handle.cancel()
    log.append("worker1 done")
    event.set()


async def worker2(event: asyncio.Event, log: list[str]) -> None:
    await event.wait()
    log.append("worker2 done")


async def main(work: float) -> list[str]:
    event = asyncio.Event()
    log: list[str] = []
    await asyncio.gather(worker2(event, log), worker1(event, log, work))
    return log
