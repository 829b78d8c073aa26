"""Polls a box every 0.1 s instead of awaiting a future.

fails: waits_without_polling
says: polls
"""

import asyncio


async def call_async(client, request: str) -> str:
    box = []

    def on_done(result, error):
        box.append((result, error))

    client.start(request, on_done)
    while not box:
        await asyncio.sleep(0.1)
    result, error = box[0]
    if error is not None:
        raise error
    return result
