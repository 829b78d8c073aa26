"""run_limited keeps `limit` jobs running while jobs wait, then waits 2.5 s more before returning.

No place was ever left empty between jobs and the results are right: the check looked only at
that, and passed it (issue 22, item 4: extra waiting after the work is over). The lesson: "after
2 s, never more than 2 at once".

truth: wrong
breaks: "while jobs are waiting, always `limit` of them" - and done when the last job is.
fails: limit_fully_used
says: more went by with no job running
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

    out = list(await asyncio.gather(*(one(job) for job in jobs)))
    await asyncio.sleep(2.5)
    return out


class Wallet:
    """Deposits into one account; safe to use from many coroutines at once."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self._lock = asyncio.Lock()  # one per wallet, shared by all its deposits

    async def deposit(self, amount: int) -> int:
        async with self._lock:  # held from the read until the write is done
            balance = await self.account.read() + amount
            await self.account.write(balance)
        return balance
