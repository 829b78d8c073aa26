"""Runs the jobs in a TaskGroup: the first failure cancels the others and comes out of collect
in an ExceptionGroup.

fails: returns_every_result_and_error
says: inside an ExceptionGroup
passes: runs_everything_at_once, nothing_left_behind, any_awaitable_and_none, cancelled_collect_ends_cancelled
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
