"""Catches everything around the wait, cancellation included, and returns None.

fails: cancelled_call_stays_cancelled
says: swallowed the cancellation
"""

import asyncio


async def call_async(client, request: str) -> str:
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def settle(result, error):
        if future.cancelled():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    client.start(request, lambda result, error: loop.call_soon_threadsafe(settle, result, error))
    try:
        return await future
    except BaseException:
        pass
