"""run_limited with min(limit, len(jobs)) workers pulling the next index from a shared iterator.

truth: correct
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
    results: list[str | None] = [None] * len(jobs)
    pending = iter(enumerate(jobs))

    async def worker() -> None:
        # next() on a shared iterator is atomic between awaits: no two workers take the same job
        for index, job in pending:
            results[index] = await job()

    workers = [asyncio.create_task(worker()) for _ in range(min(limit, len(jobs)))]
    try:
        await asyncio.gather(*workers)
    finally:
        for task in workers:
            task.cancel()
    return results  # type: ignore[return-value]


class Wallet:
    """Deposits into one account; safe to use from many coroutines at once."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self._lock = asyncio.Lock()

    async def deposit(self, amount: int) -> int:
        async with self._lock:
            new = await self.account.read() + amount
            await self.account.write(new)
        return new
