"""run_limited as a sliding window: asyncio.wait(FIRST_COMPLETED), refill every freed place at once.

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


async def _call(job: Callable[[], Awaitable[str]]) -> str:
    return await job()


async def run_limited(jobs: Sequence[Callable[[], Awaitable[str]]], limit: int) -> list[str]:
    results: list[str] = [""] * len(jobs)
    running: dict[asyncio.Task[str], int] = {}
    next_index = 0
    try:
        while next_index < len(jobs) or running:
            while next_index < len(jobs) and len(running) < limit:
                task = asyncio.create_task(_call(jobs[next_index]))
                running[task] = next_index
                next_index += 1
            done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
            for task in done:
                results[running.pop(task)] = task.result()
    finally:
        for task in running:
            task.cancel()
    return results


class Wallet:
    """Deposits into one account; safe to use from many coroutines at once."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self.lock = asyncio.Lock()

    async def deposit(self, amount: int) -> int:
        async with self.lock:
            balance = await self.account.read()
            balance = balance + amount
            await self.account.write(balance)
        return balance
