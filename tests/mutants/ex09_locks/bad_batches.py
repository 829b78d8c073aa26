"""run_limited in batches of `limit` with gather: never over the limit, but places stay empty.

truth: wrong
breaks: "while jobs are waiting, always `limit` of them" - each batch waits for its slowest job,
    so when one job of a batch finishes early its place stays empty although jobs are waiting
    (with equal 1 s jobs, as in the Example, it still gives the right answer in 2 s).

fails: limit_fully_used
says: while jobs were still waiting
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
    results: list[str] = []
    for start in range(0, len(jobs), limit):
        batch = jobs[start : start + limit]
        results.extend(await asyncio.gather(*(job() for job in batch)))
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
