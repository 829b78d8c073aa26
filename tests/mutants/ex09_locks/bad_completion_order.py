"""run_limited that collects results with as_completed, i.e. in the order the jobs finish.

truth: wrong
breaks: "Return the results in the order of `jobs`." - results come back in completion order;
    with jobs of equal length (the Example) that happens to be the order of jobs, with a slow
    first job it is not. The limit itself is kept.

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

    async def limited(job: Callable[[], Awaitable[str]]) -> str:
        async with semaphore:
            return await job()

    results = []
    for next_done in asyncio.as_completed([limited(job) for job in jobs]):
        results.append(await next_done)
    return results


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
