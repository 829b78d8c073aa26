"""Looks at future.cancelled() on the client's thread, then hands set_result over: the
cancellation can come in between.

fails: late_callback_is_harmless
says: InvalidStateError
"""

import asyncio


async def call_async(client, request: str) -> str:
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def on_done(result, error):
        if future.cancelled():
            return
        if error is not None:
            loop.call_soon_threadsafe(future.set_exception, error)
        else:
            loop.call_soon_threadsafe(future.set_result, result)

    client.start(request, on_done)
    return await future
