"""Counts the running jobs and polls with a short sleep until a place is free.

fails: limit_fully_used
says: polls
"""

import asyncio


async def run_limited(jobs, limit):
    running = 0

    async def one(job):
        nonlocal running
        while running >= limit:
            await asyncio.sleep(0.05)
        running += 1
        try:
            return await job()
        finally:
            running -= 1

    return list(await asyncio.gather(*(one(job) for job in jobs)))


class Wallet:
    def __init__(self, account):
        self.account = account
        self._lock = asyncio.Lock()

    async def deposit(self, amount):
        async with self._lock:
            balance = await self.account.read() + amount
            await self.account.write(balance)
        return balance

