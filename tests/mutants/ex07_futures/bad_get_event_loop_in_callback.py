"""Looks the loop up inside the callback with asyncio.get_event_loop().

truth: wrong
breaks: "The call may come on the event loop's thread or on a thread of the client's own" -
    it works when called back on the loop's thread, but on the client's own thread
    get_event_loop() raises RuntimeError (no event loop in that thread) and the answer is lost.

fails: callback_from_another_thread
says: no current event loop
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
    future = asyncio.get_running_loop().create_future()

    def settle(result: str | None, error: Exception | None) -> None:
        if future.cancelled():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def on_done(result: str | None, error: Exception | None) -> None:
        asyncio.get_event_loop().call_soon_threadsafe(settle, result, error)

    client.start(request, on_done)
    return await future
