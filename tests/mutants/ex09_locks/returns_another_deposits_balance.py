"""Wallet.deposit waits for a burst of deposits to settle, then returns the newest balance left.

Every balance written comes back exactly once, so the returned values, compared as a collection,
matched the balances the account saw; but each deposit returns another deposit's balance (the first
to wake gets the newest, and so on). Passed before (issue 22, item 4: a value
returned that is not the one the function itself wrote).

truth: wrong
breaks: "reads the balance, adds `amount`, writes the new balance back and returns it"
fails: no_deposit_lost
says: a balance the account got from another deposit
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
        self._history: list[int] = []  # every balance written, oldest first
        self._pending = 0
        self._settled = asyncio.Event()

    async def deposit(self, amount: int) -> int:
        self._pending += 1
        self._settled.clear()
        try:
            async with self._lock:  # held from the read until the write is done
                balance = await self.account.read() + amount
                await self.account.write(balance)
                self._history.append(balance)
        finally:
            self._pending -= 1
            if not self._pending:  # the last deposit of a burst: the balances are settled
                self._settled.set()
        await self._settled.wait()
        return self._history.pop()  # the newest balance left: another deposit's, mostly
