"""Turns the client's error into a new RuntimeError carrying its message.

truth: wrong
breaks: "Return the result, or raise the client's error" - it raises a different exception
    (RuntimeError), not the ClientError the client reported.

fails: raises_the_error
says: client's own error
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
            future.set_exception(RuntimeError(f"{request} failed: {error}"))
        else:
            future.set_result(result)

    def on_done(result: str | None, error: Exception | None) -> None:
        loop.call_soon_threadsafe(settle, result, error)

    client.start(request, on_done)
    return await future
