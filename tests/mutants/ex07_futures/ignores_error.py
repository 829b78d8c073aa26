"""Always sets the result, even when the client reports an error.

fails: raises_the_error
says: should be raised
"""

import asyncio


async def call_async(client, request: str) -> str:
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def settle(result, error):
        if not future.cancelled():
            future.set_result(result)

    client.start(request, lambda result, error: loop.call_soon_threadsafe(settle, result, error))
    return await future
