"""Wallet.deposit that creates its asyncio.Lock inside deposit, a new lock on every call.

truth: wrong
breaks: "Many deposits run at the same time on one wallet, and none may be lost." - each deposit
    holds its own fresh lock, so two deposits both read 100 and the second write overwrites the
    first (the Example gives [110, 120], balance 120 instead of 130).

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

    async def deposit(self, amount: int) -> int:
        lock = asyncio.Lock()
        async with lock:
            balance = await self.account.read()
            balance += amount
            await self.account.write(balance)
            return balance
