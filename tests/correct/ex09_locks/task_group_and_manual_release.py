"""A correct alternative: a TaskGroup with a semaphore; acquire/release by hand with try/finally."""

import asyncio


async def run_limited(jobs, limit):
    semaphore = asyncio.Semaphore(limit)

    async def one(job):
        async with semaphore:
            return await job()

    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(one(job)) for job in jobs]
    return [task.result() for task in tasks]


class Wallet:
    def __init__(self, account):
        self.account = account
        self.lock = asyncio.Lock()

    async def deposit(self, amount):
        await self.lock.acquire()
        try:
            new_balance = await self.account.read() + amount
            await self.account.write(new_balance)
            return new_balance
        finally:
            self.lock.release()
