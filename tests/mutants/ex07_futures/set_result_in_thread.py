"""Sets the future straight from on_done, whatever thread the client calls it on.

fails: callback_from_another_thread
says: client's own thread
"""

import asyncio


async def call_async(client, request: str) -> str:
    future = asyncio.get_running_loop().create_future()

    def on_done(result, error):
        if future.cancelled():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    client.start(request, on_done)
    return await future
