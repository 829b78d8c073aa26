"""Exercise 10 - Cooperative multitasking: letting other tasks run during long work

What it is
    An event loop runs one task at a time. A task keeps the loop until it reaches an `await` that
    really pauses; only then can the loop run another task. Ordinary, CPU-bound Python code (a
    calculation, a parser, a loop over a million items) never pauses by itself: while it runs,
    every other task waits. `await asyncio.sleep(0)` is the smallest pause there is: it hands the
    loop back for one round, lets every other ready task take a step, and then carries on.

Why it matters
    A server that crunches one big request in a coroutine without ever pausing stops answering
    all its other clients, its heartbeats and its timeouts until it is done. Pausing every few
    items keeps them all going, and the result is the same. Pausing with `time.sleep` does not
    help: it stops the whole loop instead of handing it back.

Your task
    `async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int`:
    call `work(item)` once for each item and return the sum of the results. `work` is an ordinary
    (synchronous) function that keeps the loop busy while it runs. Never call `work` more than
    `every` times in a row without letting the event loop run other tasks in between (pausing
    more often is allowed). A pause hands the loop back for a moment and then goes on: it must
    not wait for time to pass (10 ms at most), since that only makes crunch slower. (`every`
    is at least 1; `items` may be empty, or shorter than `every`.)

Example
    >>> def square(n: int) -> int:
    ...     return n * n
    >>> await crunch([1, 2, 3, 4, 5], square, every=2)   # e.g. other tasks run after 2 and 4
    55

Check your work with `grade exercise 10`; stuck? `grade hint 10`.
"""

import asyncio  # noqa: F401  (you will need it)
from collections.abc import Callable


async def crunch(items: list[int], work: Callable[[int], int], every: int) -> int:
    raise NotImplementedError("write crunch")


if __name__ == "__main__":
    print("This file is graded, not run: `grade exercise 10` checks it (stuck? `grade hint 10`).")
