"""Awaits each job inside the loop that should start them: one job at a time.

fails: limit_fully_used
says: one at a time
"""

import asyncio


async def run_limited(jobs, limit):
    semaphore = asyncio.Semaphore(limit)
    results = []
    for job in jobs:
        async with semaphore:
            results.append(await job())
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

