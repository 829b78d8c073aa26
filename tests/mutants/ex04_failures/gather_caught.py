"""Catches gather's first failure and returns it, leaving the other jobs running.

fails: nothing_left_behind
says: still running
"""

import asyncio


async def collect(aws):
    try:
        return list(await asyncio.gather(*aws)), []
    except Exception as error:
        return [], [error]
