"""Looks at future.cancelled() before set_result but not before set_exception: an error that
comes after a cancellation sets a cancelled future.

fails: late_callback_is_harmless
says: InvalidStateError
"""

import asyncio


async def call_async(client, request: str) -> str:
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def settle(result, error):
        if error is not None:
            future.set_exception(error)
        elif not future.cancelled():
            future.set_result(result)

    def on_done(result, error):
        loop.call_soon_threadsafe(settle, result, error)

    client.start(request, on_done)
    return await future
