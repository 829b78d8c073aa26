"""The callback drops (result, error) into an asyncio.Queue through call_soon_threadsafe.

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
    answers: asyncio.Queue[tuple[str | None, Exception | None]] = asyncio.Queue()

    def on_done(result: str | None, error: Exception | None) -> None:
        loop.call_soon_threadsafe(answers.put_nowait, (result, error))

    client.start(request, on_done)
    result, error = await answers.get()
    if error is not None:
        raise error
    return result  # type: ignore[return-value]
