"""Makes a new lock in every deposit: it keeps nobody out.

fails: no_deposit_lost
says: went missing
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

    async def deposit(self, amount):
        async with asyncio.Lock():
            balance = await self.account.read() + amount
            await self.account.write(balance)
        return balance
