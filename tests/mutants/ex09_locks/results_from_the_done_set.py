"""Keeps to the limit with a semaphore, waits for every task with asyncio.wait and reads the
results off the `done` set: a set's order is arbitrary, so the list is in the order of jobs only
by luck.

truth: wrong
breaks: "Return the results in the order of `jobs`." - `done` iterates in the hash order of its
    tasks, whatever order the jobs were given or finished in.

fails: run_limited_returns_results
says: in the order of jobs
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol


class Account(Protocol):
    """What the checks hand to Wallet: a balance that takes a while to read and to write."""

    async def read(self) -> int: ...

    async def write(self, balance: int) -> None: ...


async def run_limited(jobs: Sequence[Callable[[], Awaitable[str]]], limit: int) -> list[str]:
    semaphore = asyncio.Semaphore(limit)

    async def one(job: Callable[[], Awaitable[str]]) -> str:
        async with semaphore:
            return await job()

    tasks = [asyncio.create_task(one(job)) for job in jobs]
    if not tasks:
        return []
    done, _ = await asyncio.wait(tasks)
    return [task.result() for task in done]


class Wallet:
    """Deposits into one account; safe to use from many coroutines at once."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self._lock = asyncio.Lock()  # one per wallet, shared by all its deposits

    async def deposit(self, amount: int) -> int:
        async with self._lock:  # held from the read until the write is done
            balance = await self.account.read() + amount
            await self.account.write(balance)
        return balance
