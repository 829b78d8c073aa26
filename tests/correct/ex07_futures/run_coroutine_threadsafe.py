"""A correct alternative: on_done schedules a coroutine on the loop with run_coroutine_threadsafe."""

import asyncio


async def call_async(client, request: str) -> str:
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    async def deliver(result, error):
        if future.cancelled():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def on_done(result, error):
        asyncio.run_coroutine_threadsafe(deliver(result, error), loop)

    client.start(request, on_done)
    return await future
