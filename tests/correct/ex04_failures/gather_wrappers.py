"""A correct alternative: gather wrappers that append to the lists when each job ends."""

import asyncio


async def collect(aws):
    results, errors = [], []

    async def record(aw):
        try:
            results.append(await aw)
        except Exception as error:
            errors.append(error)

    await asyncio.gather(*(record(aw) for aw in aws))
    return results, errors
