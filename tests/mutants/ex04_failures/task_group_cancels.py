"""Runs the jobs in a TaskGroup and catches the group's failure: the first failure cancels every
job still running.

fails: returns_every_result_and_error
says: it cancelled
"""

import asyncio


async def collect(aws):
    results, errors = [], []

    async def keep(aw):
        results.append(await aw)

    try:
        async with asyncio.TaskGroup() as group:
            for aw in aws:
                group.create_task(keep(aw))
    except* Exception as failed:
        errors.extend(failed.exceptions)
    return results, errors
