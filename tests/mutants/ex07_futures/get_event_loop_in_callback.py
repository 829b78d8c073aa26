"""Looks the loop up inside on_done, which fails on the client's own thread.

fails: callback_from_another_thread
says: RuntimeError
"""

import asyncio


async def call_async(client, request: str) -> str:
    future = asyncio.get_running_loop().create_future()

    def settle(result, error):
        if future.cancelled():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def on_done(result, error):
        asyncio.get_event_loop().call_soon_threadsafe(settle, result, error)

    client.start(request, on_done)
    return await future
