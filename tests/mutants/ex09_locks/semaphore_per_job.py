"""Makes a new semaphore for every job: no job ever waits for another.

fails: limit_never_exceeded
says: ran at once
"""

import asyncio


async def run_limited(jobs, limit):
    async def one(job):
        async with asyncio.Semaphore(limit):
            return await job()

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

