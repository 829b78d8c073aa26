"""Releases the lock in a finally around the write only: when the read fails the lock stays held.

fails: failed_deposit_releases_the_lock
says: on a read
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
    semaphore = asyncio.Semaphore(limit)  # one for all the jobs

    async def one(job: Callable[[], Awaitable[str]]) -> str:
        async with semaphore:
            return await job()

    return list(await asyncio.gather(*(one(job) for job in jobs)))


class Wallet:
    """Deposits into one account; safe to use from many coroutines at once."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self._lock = asyncio.Lock()  # one per wallet, shared by all its deposits

    async def deposit(self, amount: int) -> int:
        await self._lock.acquire()
        balance = await self.account.read() + amount
        try:
            await self.account.write(balance)
        finally:
            self._lock.release()
        return balance
