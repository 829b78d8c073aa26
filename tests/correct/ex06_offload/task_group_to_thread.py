"""A correct alternative: a TaskGroup of to_thread tasks."""

import asyncio


async def offload_all(func, items):
    async with asyncio.TaskGroup() as group:
        tasks = [group.create_task(asyncio.to_thread(func, item)) for item in items]
    return [task.result() for task in tasks]
