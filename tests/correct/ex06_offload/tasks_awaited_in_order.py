"""A correct alternative: start a to_thread task per item, then await them in order."""

import asyncio


async def offload_all(func, items):
    tasks = [asyncio.create_task(asyncio.to_thread(func, item)) for item in items]
    return [await task for task in tasks]
