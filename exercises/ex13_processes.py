"""Exercise 13 - CPU-bound work in worker processes: ProcessPoolExecutor and run_in_executor

What it is
    Exercise 6 moved blocking calls to worker threads. That helps while the work *waits* (a file,
    a socket, time.sleep); it does not help while the work *computes*. A Python process runs
    Python code in one thread at a time (the GIL), so four threads that compute take turns, and
    the thread running the event loop takes its turn with them. Work that computes needs other
    processes: each has its own interpreter, and they compute at once on different CPU cores.
    `concurrent.futures.ProcessPoolExecutor(max_workers=n)` keeps n worker processes, and
    `loop.run_in_executor(pool, func, arg)` hands it the call `func(arg)` and gives back an
    awaitable, as it does for a thread pool: awaitables made for several calls can be awaited
    together, and the calls then run at the same time, one per worker process. An exception
    raised in a worker process comes out of the `await`.
    To reach a worker process, the function and its arguments are pickled (turned into bytes)
    and unpickled there, and the result travels back the same way. A function is pickled as a
    reference to its name - module and name - so only a function defined at the top level of a
    module can go: a lambda or a function defined inside another function cannot be pickled.
    Worker processes live until the pool is shut down: `pool.shutdown()`, or leave a
    `with ProcessPoolExecutor(...) as pool:` block.

Why it matters
    A server that computes a thumbnail, a hash or a report on the event loop's thread stops
    serving everyone else while it computes. In a pool of worker processes the loop stays free,
    and n processes compute n times as much in the same time on n cores. A pool left running
    holds its processes (and their memory) until the program ends.

Your task
    `async def compute_all(func: Callable[[T], R], items: list[T], workers: int) -> list[R]`:
    call `func(item)` for every item in a ProcessPoolExecutor of `workers` worker processes,
    through `run_in_executor`, without blocking the event loop: one call per item, so an item
    that appears twice is computed twice. Start every call before waiting for any, so that
    `workers` calls run at the same moment (all of them if there are no more items than
    workers), in no more than `workers` processes, and so that with more items than workers a
    worker process done with one call goes on to the next item at once, even while a slow call
    still runs in another. Return the results in the order of `items`. If `func` raises,
    compute_all must raise that exception itself, as `await asyncio.gather(...)` lets it out:
    not another one, and not one that wraps it (a TaskGroup raises its tasks' errors wrapped in
    an ExceptionGroup). Shut the pool down before compute_all returns or raises: no worker
    process may be left running. `func` is a top-level function: send it, and each item, to
    the pool as they are.

Example
    >>> import math
    >>> def count_primes(limit):           # computes: no waiting anywhere
    ...     return sum(all(n % d for d in range(2, math.isqrt(n) + 1)) for n in range(2, limit))
    >>> await compute_all(count_primes, [100_000, 200_000, 300_000, 400_000], workers=4)
    [9592, 17984, 25997, 33860]            # four processes at once, on four cores

    Where a new process starts a fresh interpreter instead of copying the running one (macOS,
    Windows; Linux from Python 3.14), it imports your module to find `count_primes`: keep the
    code that starts the work under `if __name__ == "__main__":`.

Check your work with `grade exercise 13`; stuck? `grade hint 13`.
"""

from __future__ import annotations

import asyncio  # noqa: F401  (you will need it)
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor  # noqa: F401  (you will need it)
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


async def compute_all(func: Callable[[T], R], items: list[T], workers: int) -> list[R]:
    raise NotImplementedError("write compute_all")


if __name__ == "__main__":
    print("This file is graded, not run: `grade exercise 13` checks it (stuck? `grade hint 13`).")
