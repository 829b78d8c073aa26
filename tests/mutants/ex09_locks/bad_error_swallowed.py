"""Wallet.deposit that catches the account's error and returns the old balance instead.

truth: wrong
breaks: "When the account raises an error, deposit raises it too" - the error is logged and
    swallowed, so the caller believes the deposit went through. The lock itself is used well.

fails: failed_deposit_releases_the_lock
says: must get the account's error
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
        self._last_known = 0

    async def deposit(self, amount: int) -> int:
        async with self._lock:
            try:
                balance = await self.account.read()
                balance += amount
                await self.account.write(balance)
            except Exception as error:  # keep the other deposits going
                print(f"deposit of {amount} failed: {error!r}")
                return self._last_known
            self._last_known = balance
            return balance
