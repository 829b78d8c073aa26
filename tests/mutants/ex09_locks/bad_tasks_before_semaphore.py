"""run_limited that starts every job as a task first and only then waits on the semaphore.

truth: wrong
breaks: "with at most `limit` of them running at the same time" - create_task(job()) starts
    every job immediately; the semaphore only limits how many results are awaited at once, not
    how many jobs run. Results are right and in order.

fails: limit_never_exceeded
says: places that all the jobs share
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
    tasks = [asyncio.create_task(job()) for job in jobs]

    async def limited(task: asyncio.Task[str]) -> str:
        async with semaphore:
            return await task

    return await asyncio.gather(*(limited(task) for task in tasks))


class Wallet:
    """Deposits into one account; safe to use from many coroutines at once."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self._lock = asyncio.Lock()

    async def deposit(self, amount: int) -> int:
        async with self._lock:
            balance = await self.account.read()
            balance += amount
            await self.account.write(balance)
            return balance
