"""Hands back the client's result changed (upper-cased) instead of as it came.

fails: returns_the_result
says: the client's result was
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
    future: asyncio.Future[str] = loop.create_future()

    def settle(result: str | None, error: Exception | None) -> None:
        if future.cancelled():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(str(result).upper())

    def on_done(result: str | None, error: Exception | None) -> None:
        # Possibly on another thread: only the loop's thread may touch the future.
        loop.call_soon_threadsafe(settle, result, error)

    client.start(request, on_done)
    return await future
