"""run_limited with a BoundedSemaphore inside a TaskGroup; Wallet with acquire/release in try/finally.

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
    places = asyncio.BoundedSemaphore(limit)

    async def one(job: Callable[[], Awaitable[str]]) -> str:
        await places.acquire()
        try:
            return await job()
        finally:
            places.release()

    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(one(job)) for job in jobs]
    return [task.result() for task in tasks]


class Wallet:
    """Deposits into one account; safe to use from many coroutines at once."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self.lock = asyncio.Lock()

    async def deposit(self, amount: int) -> int:
        await self.lock.acquire()
        try:
            current = await self.account.read()
            new_balance = current + amount
            await self.account.write(new_balance)
        finally:
            self.lock.release()
        return new_balance
