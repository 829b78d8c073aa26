"""Runs the jobs in batches of `limit`: each batch waits for its slowest job.

fails: limit_fully_used
says: a waiting job should start the moment a place is free
"""

import asyncio


async def run_limited(jobs, limit):
    results = []
    for first in range(0, len(jobs), limit):
        batch = jobs[first:first + limit]
        results += await asyncio.gather(*(job() for job in batch))
    return results


class Wallet:
    def __init__(self, account):
        self.account = account
        self._lock = asyncio.Lock()

    async def deposit(self, amount):
        async with self._lock:
            balance = await self.account.read() + amount
            await self.account.write(balance)
        return balance

