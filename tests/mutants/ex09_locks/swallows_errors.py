"""Swallows every exception in deposit with `except BaseException: pass`.

fails: failed_deposit_releases_the_lock
says: the caller must get the account's error
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
            try:
                balance = await self.account.read() + amount
                await self.account.write(balance)
                return balance
            except BaseException:
                pass
