"""Exercise 11 - Timeouts and cancellation

What it is
    `asyncio.timeout(seconds)` (an `async with` block) and `asyncio.wait_for(aw, seconds)` put a
    time limit on waiting. When the limit passes, asyncio *cancels* the work inside: it raises
    `asyncio.CancelledError` at the `await` where that work is paused, and then turns it into a
    `TimeoutError` for you. Cancellation is how asyncio stops any task: `task.cancel()` raises
    `CancelledError` inside it. A cancelled coroutine may clean up (`try` ... `finally`), but it
    must let `CancelledError` go on: it is a request to stop, not an error to handle.
    `asyncio.TaskGroup` runs tasks side by side; when one of them fails, it cancels the others,
    waits for them, and raises the failure (wrapped in an `ExceptionGroup`).

Why it matters
    Without a time limit, one silent server hangs your program forever. A timeout that leaves the
    timed-out work running behind your back leaks it. Cleanup that only runs when nothing goes
    wrong leaks connections, locks and files the first time a user presses Ctrl-C. Code that
    swallows `CancelledError` cannot be stopped. And when one of several jobs fails, the others
    are usually pointless: they should stop, not run on with nobody waiting for them.

Your task
    1. `async def fetch_with_timeout(fetch: Callable[[], Awaitable[str]], seconds: float)
       -> str | None`: return what `await fetch()` gives if it answers before `seconds` have
       passed; otherwise give up after `seconds` and return None. A fetch that took too long
       must be stopped (not left running). If fetch_with_timeout itself is cancelled, it must
       stop the fetch too, and end cancelled.
    2. `async def run_query(pool: Pool, sql: str) -> str`: take a connection with
       `connection = await pool.acquire()`, return `await connection.execute(sql)`, and always
       give the connection back with `pool.release(connection)` (an ordinary function), exactly
       once: when the query succeeds, when it raises (let the error propagate), and when
       run_query is cancelled (let the cancellation propagate) - during the query, or while it
       still waits for `pool.acquire()`: no connection the pool hands it may be kept.
    3. `async def run_all(jobs: list[Callable[[], Awaitable[str]]]) -> list[str]`: run every
       `job()` at the same time and return their results in the order of `jobs`. If a job raises,
       cancel the jobs still running, wait until they have stopped, then raise the error (the
       error itself, or an ExceptionGroup that holds it, as TaskGroup raises).

Example
    >>> await fetch_with_timeout(quick_fetch, 2.0)     # answers after 0.5 s
    'hello'
    >>> await fetch_with_timeout(slow_fetch, 2.0)      # would take 10 s: returns after 2 s
    None
    >>> await run_query(pool, "SELECT 1")              # the connection is back in the pool
    'one row'
    >>> await run_all([job_a, failing_job, job_c])     # job_a and job_c are cancelled
    ExceptionGroup: unhandled errors in a TaskGroup (1 sub-exception)

Check your work with `grade exercise 11`; stuck? `grade hint 11`.
"""

import asyncio  # noqa: F401  (you will need it)
from collections.abc import Awaitable, Callable
from typing import Protocol


class Connection(Protocol):
    async def execute(self, sql: str) -> str: ...


class Pool(Protocol):
    async def acquire(self) -> Connection: ...

    def release(self, connection: Connection) -> None: ...


async def fetch_with_timeout(fetch: Callable[[], Awaitable[str]], seconds: float) -> str | None:
    raise NotImplementedError("write fetch_with_timeout")


async def run_query(pool: Pool, sql: str) -> str:
    raise NotImplementedError("write run_query")


async def run_all(jobs: list[Callable[[], Awaitable[str]]]) -> list[str]:
    raise NotImplementedError("write run_all")


if __name__ == "__main__":
    print("This file is graded, not run: `grade exercise 11` checks it (stuck? `grade hint 11`).")
