"""Exercise 5 - Waiting for a signal: asyncio.Event

What it is
    An `asyncio.Event` is a flag that coroutines can wait for. `await event.wait()` suspends the
    coroutine until some other coroutine calls `event.set()`; then every waiter wakes up at once.
    `event.is_set()` only tells you whether it is set right now - it does not wait.

Why it matters
    Coroutines often depend on each other: a consumer needs the producer's data, a worker needs
    the configuration loaded. Checking a flag in a loop with short sleeps ("polling") wastes
    work and notices the change late, a whole sleep after it happened; checking it in a loop with
    `asyncio.sleep(0)` never lets the event loop rest. An Event wakes the waiter the moment the
    signal is given, and costs nothing while it waits.

Your task
    - `async def worker1(event: asyncio.Event, log: list[str], work: float) -> None`: do `work`
      seconds of simulated work without blocking the event loop, append "worker1 done" to `log`,
      then set `event`.
    - `async def worker2(event: asyncio.Event, log: list[str]) -> None`: wait for `event`
      (without polling), then append "worker2 done" to `log`.
    - `async def main(work: float) -> list[str]`: create the Event and an empty log, run
      `worker1` and `worker2` at the same time, and return the log.

Example
    >>> await main(2.0)
    ['worker1 done', 'worker2 done']       # after 2.0 s; worker2 logs the moment worker1 is done

Check your work with `grade exercise 5`; stuck? `grade hint 5`.
"""

import asyncio


async def worker1(event: asyncio.Event, log: list[str], work: float) -> None:
    raise NotImplementedError("write worker1")


async def worker2(event: asyncio.Event, log: list[str]) -> None:
    raise NotImplementedError("write worker2")


async def main(work: float) -> list[str]:
    raise NotImplementedError("write main")


if __name__ == "__main__":
    print("This file is graded, not run: `grade exercise 5` checks it (stuck? `grade hint 5`).")
