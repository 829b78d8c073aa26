"""run_limited that awaits each job in the loop, one after the other.

truth: wrong
breaks: "while jobs are waiting, always `limit` of them" - only one job ever runs, so `limit`
    is never used (the Example gives the right list, after 4 s instead of 2 s).

fails: limit_fully_used
says: one at a time
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
    results = []
    for job in jobs:
        async with semaphore:
            results.append(await job())
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
