"""Exercise 8 - Queues: a pool of workers fed through a bounded queue

What it is
    An `asyncio.Queue` hands items from coroutines that produce them to coroutines that consume
    them. `await queue.put(item)` adds an item; `await queue.get()` takes one, waiting while the
    queue is empty; `queue.task_done()` says that an item taken has been dealt with, and
    `await queue.join()` waits until every item put has been dealt with.

    `asyncio.Queue(maxsize=n)` holds at most n items: `put` waits while the queue is full. That
    is backpressure: a fast producer is held to the pace of its consumers instead of piling
    everything up in memory. A worker pool is a fixed number of worker tasks, each taking items
    from the same queue in a loop. Workers that loop for ever must be stopped when the work is
    done - cancel them and wait for them to end, or send each one an item that means "stop".

Why it matters
    Ten thousand jobs should not become ten thousand tasks at once: a server, a disk or an API
    copes with only so many. A pool of N workers runs exactly N jobs at a time, and a bounded
    queue keeps the reading of new jobs only a little ahead of the work.

Your task
    `async def process_all(jobs: Iterable[str], handle: Callable[[str], Awaitable[str]],
    workers: int, maxsize: int) -> tuple[dict[str, str], dict[str, Exception]]`:

    - take the jobs from `jobs` one at a time (it can be very long: take the next job only when
      there is room for it) and put them into a queue that holds at most `maxsize` jobs;
    - `workers` worker tasks take jobs from the queue and run `await handle(job)`, all at the
      same time; each job is handled exactly once;
    - return `(results, errors)`: `results[job]` is what handle returned for the job. When
      handle raises an exception for a job, `errors[job]` is that exception, and the worker goes
      on with the next job;
    - when process_all returns, or is cancelled, no worker task is left running (each one has
      ended, not only been told to stop); once it is cancelled, no new job is started.

Example
    >>> results, errors = await process_all(iter(["a", "b", "c"]), handle, workers=2, maxsize=1)
    >>> results
    {'a': 'A', 'c': 'C'}
    >>> errors
    {'b': ValueError('b is broken')}

Check your work with `grade exercise 8`; stuck? `grade hint 8`.
"""

from __future__ import annotations

import asyncio  # noqa: F401  (you will need it)
from collections.abc import Awaitable, Callable, Iterable


async def process_all(jobs: Iterable[str], handle: Callable[[str], Awaitable[str]], workers: int,
                      maxsize: int) -> tuple[dict[str, str], dict[str, Exception]]:
    raise NotImplementedError("write process_all")


if __name__ == "__main__":
    print("This file is graded, not run: `grade exercise 8` checks it (stuck? `grade hint 8`).")
