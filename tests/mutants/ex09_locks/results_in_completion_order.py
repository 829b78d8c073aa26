"""Keeps to the limit, but collects each result when its job finishes: the order they end in.

fails: run_limited_returns_results
says: in the order of jobs
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
    results: list[str] = []

    async def one(job: Callable[[], Awaitable[str]]) -> None:
        async with semaphore:
            results.append(await job())

    await asyncio.gather(*(one(job) for job in jobs))
    return results


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
