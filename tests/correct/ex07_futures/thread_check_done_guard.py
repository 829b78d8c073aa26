"""A correct alternative: settle at once on the loop's thread, hand over from any other; guard
with done() and pass the outcome through one function."""

import asyncio
import threading


async def call_async(client, request: str) -> str:
    loop = asyncio.get_running_loop()
    loop_thread = threading.get_ident()
    future = loop.create_future()

    def settle(result, error):
        if future.done():
            return
        if error is None:
            future.set_result(result)
        else:
            future.set_exception(error)

    def on_done(result, error):
        if threading.get_ident() == loop_thread:
            settle(result, error)
        else:
            loop.call_soon_threadsafe(settle, result, error)

    client.start(request, on_done)
    return await future
