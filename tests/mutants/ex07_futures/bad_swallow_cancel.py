"""Catches CancelledError around the await to log that the request was abandoned, and returns.

truth: wrong
breaks: "If the coroutine is cancelled while it waits, it stays cancelled" - the except block
    does not re-raise, so call_async returns None normally after being cancelled.
The corpus file logged with the logging module; exercise files may not import it any more (a
rule of the kit), so this copy prints instead: the mistake is the same.

fails: cancelled_call_stays_cancelled
says: swallowed the cancellation
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Protocol

OnDone = Callable[[str | None, Exception | None], None]


class LegacyClient(Protocol):
    """What the checks hand you: a client that answers through a callback."""

    def start(self, request: str, on_done: OnDone) -> None: ...

async def call_async(client: LegacyClient, request: str) -> str:
    loop = asyncio.get_running_loop()
    future = loop.create_future()

    def settle(result: str | None, error: Exception | None) -> None:
        if future.cancelled():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def on_done(result: str | None, error: Exception | None) -> None:
        loop.call_soon_threadsafe(settle, result, error)

    client.start(request, on_done)
    try:
        return await future
    except asyncio.CancelledError:
        print(f"request {request!r} abandoned")
