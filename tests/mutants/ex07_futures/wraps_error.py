"""Raises a RuntimeError of its own instead of the client's error.

fails: raises_the_error
says: client's own error
"""

import asyncio


async def call_async(client, request: str) -> str:
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def settle(result, error):
        if future.cancelled():
            return
        if error is not None:
            future.set_exception(RuntimeError(f"request failed: {error}"))
        else:
            future.set_result(result)

    client.start(request, lambda result, error: loop.call_soon_threadsafe(settle, result, error))
    return await future
