"""Catches func's exceptions and returns None in their place.

fails: exceptions_propagate
says: swallowed
"""

import asyncio


async def offload_all(func, items):
    async def one(item):
        try:
            return await asyncio.to_thread(func, item)
        except Exception:
            return None

    return list(await asyncio.gather(*(one(item) for item in items)))
