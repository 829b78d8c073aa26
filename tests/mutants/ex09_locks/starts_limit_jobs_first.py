"""Starts the first `limit` jobs by index: IndexError when there are fewer jobs than places.

fails: run_limited_returns_results
says: IndexError
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
    tasks = [asyncio.ensure_future(jobs[index]()) for index in range(limit)]
    waiting = list(jobs[limit:])
    running = set(tasks)
    while waiting:
        _, running = await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
        while waiting and len(running) < limit:
            task = asyncio.ensure_future(waiting.pop(0)())
            tasks.append(task)
            running.add(task)
    return list(await asyncio.gather(*tasks))


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
