"""Gathers the jobs without return_exceptions: the first failure escapes, the rest are lost.

fails: returns_every_result_and_error
says: let the first failure escape
"""

import asyncio


async def collect(aws):
    return list(await asyncio.gather(*aws)), []
