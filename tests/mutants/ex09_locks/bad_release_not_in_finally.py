"""Wallet.deposit with lock.acquire() and lock.release() but no try/finally around the I/O.

truth: wrong
breaks: "When the account raises an error, deposit raises it too, and the other deposits go on."
    - when read or write raises, release() is skipped: the lock stays held and every other
    deposit waits for it forever. Without errors (the Example) it is correct.

fails: failed_deposit_releases_the_lock
says: never let the others in
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
        self.lock = asyncio.Lock()

    async def deposit(self, amount: int) -> int:
        await self.lock.acquire()
        balance = await self.account.read()
        balance += amount
        await self.account.write(balance)
        self.lock.release()
        return balance
