"""Stores the answer in a small box and wakes the coroutine with an asyncio.Event, set on the loop.

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
    answered = asyncio.Event()
    box: dict[str, object] = {}

    def deliver(result: str | None, error: Exception | None) -> None:
        box["result"], box["error"] = result, error
        answered.set()           # harmless if nobody waits any more

    def on_done(result: str | None, error: Exception | None) -> None:
        loop.call_soon_threadsafe(deliver, result, error)

    client.start(request, on_done)
    await answered.wait()
    if box["error"] is not None:
        raise box["error"]  # type: ignore[misc]
    return box["result"]  # type: ignore[return-value]
