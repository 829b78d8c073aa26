"""run_limited with an asyncio.Queue of (index, job) drained by `limit` workers; Wallet with Semaphore(1).

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
    queue: asyncio.Queue[tuple[int, Callable[[], Awaitable[str]]]] = asyncio.Queue()
    for item in enumerate(jobs):
        queue.put_nowait(item)
    results: dict[int, str] = {}

    async def worker() -> None:
        while True:
            try:
                index, job = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            try:
                results[index] = await job()
            finally:
                queue.task_done()

    await asyncio.gather(*(worker() for _ in range(limit)))
    return [results[i] for i in range(len(jobs))]


class Wallet:
    """Deposits into one account; safe to use from many coroutines at once."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self._mutex = asyncio.Semaphore(1)  # a semaphore with one place is a lock

    async def deposit(self, amount: int) -> int:
        async with self._mutex:
            balance = await self.account.read()
            await self.account.write(balance + amount)
            return balance + amount
