"""A correct alternative: a TaskGroup of wrappers that record each outcome as it happens."""

import asyncio


async def collect(aws):
    results, errors = [], []

    async def record(aw):
        try:
            results.append(await aw)
        except Exception as error:
            errors.append(error)

    async with asyncio.TaskGroup() as group:
        for aw in aws:
            group.create_task(record(aw))
    return results, errors
