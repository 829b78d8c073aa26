"""Exercise 4 - When some of them fail: collecting results and errors as they come

What it is
    `asyncio.gather(a(), b(), c())` stops being useful the moment one of them raises: the first
    exception comes out of gather, and the results of the others - some finished, some still
    running - are out of your reach. Often you want the opposite: let every job run to its end,
    keep the results that arrived, and keep the errors too, to report or retry them.
    `asyncio.as_completed(...)` hands you the jobs one by one as each finishes;
    `asyncio.wait(...)` tells you which tasks are done; a task's `add_done_callback(...)` calls you
    when it finishes. `gather(..., return_exceptions=True)` keeps going after a failure but gives
    everything back in the order you passed it, not the order it happened in.

Why it matters
    One flaky server must not throw away the answers of the nine others. And a task whose
    exception nobody reads is a bug hiding in plain sight: asyncio only says "Task exception was
    never retrieved" in the log, long after the fact.

Your task
    `async def collect(aws: list[Awaitable[T]]) -> tuple[list[T], list[Exception]]`: run every
    awaitable in `aws` at the same time. Return a tuple of two lists: the results, in the order
    the awaitables completed, and the exceptions, in the order they were raised. One failure must
    not stop, cancel or lose the others, and no exception may be left unread. If collect itself
    is cancelled, it ends cancelled: the cancellation is not one of the jobs' exceptions.

Example
    >>> async def job(delay, value, fail=False):
    ...     await asyncio.sleep(delay)
    ...     if fail:
    ...         raise ValueError(value)
    ...     return value
    >>> await collect([job(3, "a"), job(1, "b", fail=True), job(2, "c"), job(4, "d", fail=True)])
    (['c', 'a'], [ValueError('b'), ValueError('d')])       # after 4 s, not 10 s

Check your work with `grade exercise 4`; stuck? `grade hint 4`.
"""

from __future__ import annotations

import asyncio  # noqa: F401  (you will need it)
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def collect(aws: list[Awaitable[T]]) -> tuple[list[T], list[Exception]]:
    raise NotImplementedError("write collect")


if __name__ == "__main__":
    print("This file is graded, not run: `grade exercise 4` checks it (stuck? `grade hint 4`).")
