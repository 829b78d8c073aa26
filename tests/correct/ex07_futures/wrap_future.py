"""A correct alternative: a thread-safe concurrent.futures.Future, awaited through wrap_future."""

import asyncio
import concurrent.futures


async def call_async(client, request: str) -> str:
    box: concurrent.futures.Future[str] = concurrent.futures.Future()

    def on_done(result, error):
        if not box.set_running_or_notify_cancel():
            return  # the waiter was cancelled
        if error is not None:
            box.set_exception(error)
        else:
            box.set_result(result)

    client.start(request, on_done)
    return await asyncio.wrap_future(box)
