"""A correct alternative: keep `limit` tasks running, refilling with asyncio.wait(FIRST_COMPLETED);
a Condition used as the wallet's lock."""

import asyncio


async def run_limited(jobs, limit):
    pending, order = set(), {}
    for index, job in enumerate(jobs):
        if len(pending) >= limit:
            _, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
        task = asyncio.create_task(job())
        order[task] = index
        pending.add(task)
    if pending:
        await asyncio.wait(pending)
    results = [None] * len(jobs)
    for task, index in order.items():
        results[index] = task.result()
    return results


class Wallet:
    def __init__(self, account):
        self.account = account
        self.guard = asyncio.Condition()

    async def deposit(self, amount):
        async with self.guard:
            balance = await self.account.read() + amount
            await self.account.write(balance)
            return balance
