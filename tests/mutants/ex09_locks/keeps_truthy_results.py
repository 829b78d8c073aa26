"""run_limited leaves out the results that are falsy, as if an empty string were no result.

A job that returns an empty string has a result like any other: the list comes back one short.
The checks' jobs never returned a falsy value, and passed it (issue 22, item 4).

truth: wrong
breaks: "Return the results in the order of `jobs`."
fails: run_limited_returns_results
says: an empty string is falsy, but a result like any other
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

    results = await asyncio.gather(*(one(job) for job in jobs))
    return [result for result in results if result]  # a job that gave nothing adds nothing


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
