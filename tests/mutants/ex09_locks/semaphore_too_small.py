"""Makes the semaphore one place too small.

fails: limit_fully_used
says: with a limit of
"""

import asyncio


async def run_limited(jobs, limit):
    semaphore = asyncio.Semaphore(limit - 1)

    async def one(job):
        async with semaphore:
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

