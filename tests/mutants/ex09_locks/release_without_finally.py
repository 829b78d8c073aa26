"""Acquires and releases the lock by hand, without try/finally: an error keeps it held.

fails: failed_deposit_releases_the_lock
says: waited for ever
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
        await self._lock.acquire()
        balance = await self.account.read() + amount
        await self.account.write(balance)
        self._lock.release()
        return balance
