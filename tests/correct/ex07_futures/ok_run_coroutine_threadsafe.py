"""The callback schedules a tiny coroutine on the loop with asyncio.run_coroutine_threadsafe.

truth: correct
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

    async def fill(result: str | None, error: Exception | None) -> None:
        if future.cancelled():
            return
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def on_done(result: str | None, error: Exception | None) -> None:
        asyncio.run_coroutine_threadsafe(fill(result, error), loop)

    client.start(request, on_done)
    return await future
