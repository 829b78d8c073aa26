"""Runs the jobs in a TaskGroup: the first failure cancels the others and comes out of collect
in an ExceptionGroup.

fails: returns_every_result_and_error
says: inside an ExceptionGroup
"""

import asyncio


async def collect(aws):
    results = []

    async def keep(aw):
        results.append(await aw)

    async with asyncio.TaskGroup() as group:
        for aw in aws:
            group.create_task(keep(aw))
    return results, []
