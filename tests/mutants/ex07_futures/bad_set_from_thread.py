"""The callback checks future.done() and sets the future directly, on whatever thread it runs.

truth: wrong
breaks: "The call may come on the event loop's thread or on a thread of the client's own" (and
    the lesson's rule "a callback that runs on another thread must not touch it") - from the
    client's thread set_result runs on a non-loop thread: not thread-safe, and the loop is not
    woken, so the waiter may notice the answer late.

fails: callback_from_another_thread
says: touched the future or the event loop directly
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

    def on_done(result: str | None, error: Exception | None) -> None:
        if future.done():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    client.start(request, on_done)
    return await future
