"""run_limited as a sliding window that starts only one new job per wake-up of asyncio.wait.

truth: wrong
breaks: "while jobs are waiting, always `limit` of them" - when two jobs finish at the same
    moment only one new job is started, so from then on fewer than `limit` run although jobs are
    waiting (the Example still returns the right list, later than 2 s).

fails: limit_fully_used
says: finished together while jobs were still waiting
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
    async def call(job: Callable[[], Awaitable[str]]) -> str:
        return await job()

    results: list[str] = [""] * len(jobs)
    running: dict[asyncio.Task[str], int] = {}
    next_index = 0
    while next_index < len(jobs) and next_index < limit:
        running[asyncio.create_task(call(jobs[next_index]))] = next_index
        next_index += 1
    while running:
        done, _ = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
        for task in done:
            results[running.pop(task)] = task.result()
        if next_index < len(jobs):  # one place freed -> one new job
            running[asyncio.create_task(call(jobs[next_index]))] = next_index
            next_index += 1
    return results


class Wallet:
    """Deposits into one account; safe to use from many coroutines at once."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self._lock = asyncio.Lock()

    async def deposit(self, amount: int) -> int:
        async with self._lock:
            balance = await self.account.read()
            balance += amount
            await self.account.write(balance)
            return balance
