"""Raises the client's error inside on_done, back into the client.

fails: raises_the_error
says: went back into the client
"""

import asyncio


async def call_async(client, request: str) -> str:
    future = asyncio.get_running_loop().create_future()

    def on_done(result, error):
        if error is not None:
            raise error
        if not future.cancelled():
            future.set_result(result)

    client.start(request, on_done)
    return await future
