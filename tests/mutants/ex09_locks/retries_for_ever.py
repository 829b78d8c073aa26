"""Wallet.deposit catches the account's error and tries the deposit again until it works.

A refused write fails every time, so the failing deposit never ends and, holding the lock, keeps
every other deposit waiting (issue 22, item 6: the retry is named, with the error it swallowed).

truth: wrong
breaks: "When the account raises an error, deposit raises it too."
fails: failed_deposit_releases_the_lock
says: caught it and read the balance again
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
        async with self._lock:
            while True:
                try:
                    balance = await self.account.read() + amount
                    await self.account.write(balance)
                    return balance
                except Exception as error:  # the account is flaky: try again
                    print(f"deposit of {amount} failed ({error!r}), trying again")
