"""Exercise 9 - Locks and semaphores: a limit on work in flight, and updates that are never lost

What it is
    Coroutines only switch at an `await`, but code that awaits in the middle is not atomic:
    between the await that reads a value and the await that writes it back, any other coroutine
    may run - and read the same old value.

    `asyncio.Lock()` lets one coroutine at a time into a block: `async with lock:` waits until
    the lock is free, holds it for the whole block and releases it at the end, even when the
    block raises. `asyncio.Semaphore(k)` is a lock with k places: up to k coroutines are inside
    `async with semaphore:` at once, and the next one waits until one of them leaves. Both work
    only if every coroutine uses the same lock or semaphore object.

Why it matters
    Servers and APIs limit how many requests you may have in flight: a semaphore keeps to the
    limit and still uses all of it, starting the next job the moment one finishes. And when two
    coroutines read a balance, add to it and write it back at the same time, one of the two
    updates is silently lost.

Your task
    1. `async def run_limited(jobs: Sequence[Callable[[], Awaitable[str]]], limit: int)
       -> list[str]`: run every job (`await job()`) with at most `limit` of them running at the
       same time - and, while jobs are waiting, always `limit` of them. Return the results in the
       order of `jobs`.

    2. `class Wallet`: `Wallet(account)` wraps an account that has two coroutine methods,
       `await account.read() -> int` and `await account.write(balance)`, each of which takes a
       while. `async def deposit(self, amount: int) -> int` reads the balance, adds `amount`,
       writes the new balance back and returns it. Many deposits run at the same time on one
       wallet, and none may be lost. When the account raises an error, deposit raises it too,
       and the other deposits go on.

Example
    >>> jobs = [partial(download, name) for name in ["a", "b", "c", "d"]]  # 1 s each
    >>> await run_limited(jobs, limit=2)       # after 2 s, never more than 2 at once
    ['A', 'B', 'C', 'D']
    >>> wallet = Wallet(account)               # the balance is 100
    >>> await asyncio.gather(wallet.deposit(10), wallet.deposit(20))
    [110, 130]

Check your work with `grade exercise 9`; stuck? `grade hint 9`.
"""

from __future__ import annotations

import asyncio  # noqa: F401  (you will need it)
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol


class Account(Protocol):
    """What the checks hand to Wallet: a balance that takes a while to read and to write."""

    async def read(self) -> int: ...

    async def write(self, balance: int) -> None: ...


async def run_limited(jobs: Sequence[Callable[[], Awaitable[str]]], limit: int) -> list[str]:
    raise NotImplementedError("write run_limited")


class Wallet:
    """Deposits into one account; safe to use from many coroutines at once."""

    def __init__(self, account: Account) -> None:
        self.account = account  # add here what deposit needs

    async def deposit(self, amount: int) -> int:
        raise NotImplementedError("write Wallet.deposit")


if __name__ == "__main__":
    print("This file is graded, not run: `grade exercise 9` checks it (stuck? `grade hint 9`).")
