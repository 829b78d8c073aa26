"""Sets the future directly when called back on the loop's thread, via call_soon_threadsafe otherwise.

truth: correct
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Protocol

OnDone = Callable[[str | None, Exception | None], None]


class LegacyClient(Protocol):
    """What the checks hand you: a client that answers through a callback."""

    def start(self, request: str, on_done: OnDone) -> None: ...


async def call_async(client: LegacyClient, request: str) -> str:
    loop = asyncio.get_running_loop()
    loop_thread = threading.get_ident()
    future = loop.create_future()

    def resolve(result: str | None, error: Exception | None) -> None:
        if future.done():
            return
        if error is None:
            future.set_result(result)
        else:
            future.set_exception(error)

    def on_done(result: str | None, error: Exception | None) -> None:
        if threading.get_ident() == loop_thread:
            resolve(result, error)
        else:
            loop.call_soon_threadsafe(resolve, result, error)

    client.start(request, on_done)
    return await future
