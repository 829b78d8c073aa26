"""Hands the result to the loop with call_soon, which is not thread-safe.

fails: callback_from_another_thread
says: directly from there
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

    def on_done(result, error):
        loop.call_soon(settle, result, error)

    client.start(request, on_done)
    return await future
