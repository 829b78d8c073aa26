"""A correct alternative: `limit` workers that take the next job as soon as they finish one; a
Semaphore(1) as the wallet's lock."""

import asyncio


async def run_limited(jobs, limit):
    results = [None] * len(jobs)
    todo = iter(enumerate(jobs))

    async def worker():
        for index, job in todo:
            results[index] = await job()

    await asyncio.gather(*(worker() for _ in range(min(limit, len(jobs)))))
    return results


class Wallet:
    def __init__(self, account):
        self.account = account
        self._one_at_a_time = asyncio.Semaphore(1)

    async def deposit(self, amount):
        async with self._one_at_a_time:
            balance = await self.account.read()
            balance += amount
            await self.account.write(balance)
        return balance
