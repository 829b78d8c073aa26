"""Hands the answer to the loop with loop.call_soon (not call_soon_threadsafe).

truth: wrong
breaks: "The call may come on the event loop's thread or on a thread of the client's own" -
    loop.call_soon is not thread-safe: from the client's thread it races with the loop and does
    not wake it, so the answer can sit unnoticed (and debug mode raises RuntimeError).

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

    def settle(result: str | None, error: Exception | None) -> None:
        if future.cancelled():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def on_done(result: str | None, error: Exception | None) -> None:
        loop.call_soon(settle, result, error)

    client.start(request, on_done)
    return await future
