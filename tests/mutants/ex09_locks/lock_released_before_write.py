"""Releases the lock after the read, before the write: two deposits can still overlap.

fails: no_deposit_lost
says: between reading the balance and writing it back
"""

import asyncio


async def run_limited(jobs, limit):
    semaphore = asyncio.Semaphore(limit)

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
            balance = await self.account.read()
        balance += amount
        await self.account.write(balance)
        return balance
