"""Refills places with asyncio.wait, then waits for the rest without checking there is any:
asyncio.wait of an empty set raises ValueError when there are no jobs.

fails: run_limited_returns_results
says: ValueError
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
    running: set[asyncio.Task[str]] = set()
    tasks = []
    for job in jobs:
        if len(running) >= limit:
            _, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
        task = asyncio.ensure_future(job())
        tasks.append(task)
        running.add(task)
    await asyncio.wait(running)
    return [task.result() for task in tasks]


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
