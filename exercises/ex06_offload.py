"""Exercise 6 - Blocking code in worker threads: asyncio.to_thread and run_in_executor

What it is
    Some code cannot await: a library that reads files, hashes, compresses or talks to a
    database with an ordinary (blocking) function. Called from a coroutine, such a function holds
    the event loop's only thread until it returns, and every other coroutine stands still.
    `await asyncio.to_thread(func, arg)` runs `func(arg)` in a worker thread instead and lets the
    loop carry on until the result is ready; `loop.run_in_executor(executor, func, arg)` does the
    same with a thread pool of your choice (`None` means the loop's default pool). The awaitables
    they return can be combined like any others - several of them at once run in several threads
    at once. An exception raised in the thread comes out of the `await`.

Why it matters
    One blocking call in a server stalls every connection it serves. Offloading it keeps the loop
    responsive; offloading several calls together runs them side by side - as many at once as
    the pool has threads.

Your task
    `async def offload_all(func: Callable[[T], R], items: list[T]) -> list[R]`: call
    `func(item)` for every item in worker threads, all at the same time, without blocking the
    event loop. Return the results in the order of `items`. If `func` raises, the exception must
    reach the caller of offload_all. With four items, all four calls must be running at the same
    moment (if you make a pool of your own, give it at least four workers).

Example
    >>> def slow_square(n):
    ...     time.sleep(1)                  # blocking: fine in a worker thread
    ...     return n * n
    >>> await offload_all(slow_square, [1, 2, 3, 4])
    [1, 4, 9, 16]                          # after about 1 s, not 4 s; the loop stays free

Check your work with `grade exercise 6`; stuck? `grade hint 6`.
"""

from __future__ import annotations

import asyncio  # noqa: F401  (you will need it)
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def offload_all(func: Callable[[T], R], items: list[T]) -> list[R]:
    raise NotImplementedError("write offload_all")


if __name__ == "__main__":
    print("This file is graded, not run: `grade exercise 6` checks it (stuck? `grade hint 6`).")
