"""run_limited with an asyncio.Condition guarding an in-flight counter; Wallet lock made lazily.

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
    condition = asyncio.Condition()
    in_flight = 0

    async def run_one(job: Callable[[], Awaitable[str]]) -> str:
        nonlocal in_flight
        async with condition:
            await condition.wait_for(lambda: in_flight < limit)
            in_flight += 1
        try:
            return await job()
        finally:
            async with condition:
                in_flight -= 1
                condition.notify()

    return await asyncio.gather(*[run_one(job) for job in jobs])


class Wallet:
    """Deposits into one account; safe to use from many coroutines at once."""

    def __init__(self, account: Account) -> None:
        self.account = account
        self._lock: asyncio.Lock | None = None

    def _get_lock(self) -> asyncio.Lock:
        # no await between the test and the assignment: every deposit gets the same lock
        if self._lock is None:
            self._lock = asyncio.Lock()
        return self._lock

    async def deposit(self, amount: int) -> int:
        async with self._get_lock():
            old = await self.account.read()
            await self.account.write(old + amount)
        return old + amount
