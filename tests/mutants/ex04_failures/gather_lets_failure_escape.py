"""Gathers the jobs without return_exceptions: the first failure escapes, the rest are lost.

fails: returns_every_result_and_error
says: let the first failure escape
passes: runs_everything_at_once, any_awaitable_and_none, cancelled_collect_ends_cancelled
"""

import asyncio


async def collect(aws):
    return list(await asyncio.gather(*aws)), []
