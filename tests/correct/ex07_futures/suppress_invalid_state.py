"""A correct alternative: an asyncio.Future(), call_soon_threadsafe, and InvalidStateError
suppressed for a future cancelled meanwhile."""

import asyncio
import contextlib


async def call_async(client, request: str) -> str:
    loop = asyncio.get_running_loop()
    future: asyncio.Future[str] = asyncio.Future()

    def settle(result, error):
        with contextlib.suppress(asyncio.InvalidStateError):
            if error is not None:
                future.set_exception(error)
            else:
                future.set_result(result)

    client.start(request, lambda result, error: loop.call_soon_threadsafe(settle, result, error))
    try:
        return await future
    finally:
        future.cancel()  # harmless when it is done already
