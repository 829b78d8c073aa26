"""Wallet.deposit that reads the balance outside the lock and only locks the write.

truth: wrong
breaks: "Many deposits run at the same time on one wallet, and none may be lost." - the lock is
    taken after the read: two deposits read the same old balance, and the later write loses the
    earlier deposit (read, await, write).

fails: no_deposit_lost
says: went missing
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

    return list(await asyncio.gather(*(limited(job) for job in jobs)))


class Wallet:
    """Deposits into one account; safe to use from many coroutines at once."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self._lock = asyncio.Lock()

    async def deposit(self, amount: int) -> int:
        balance = await self.account.read()
        new_balance = balance + amount
        async with self._lock:
            await self.account.write(new_balance)
        return new_balance
