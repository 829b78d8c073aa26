"""Awaits asyncio.shield(future) so that a cancel "cannot break" the future; no cancelled() check.

truth: wrong
breaks: "If the coroutine is cancelled while it waits, ... the answer that comes in later must
    cause no error anywhere" - after the cancel the shielded inner future lives on; when the
    late answer is an error, set_exception fills a future nobody will ever read, and asyncio
    reports "Future exception was never retrieved" through the loop's exception handler.

fails: late_callback_is_harmless
says: never retrieved
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
        # the shield keeps 'future' from being cancelled, so it is always safe to set
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(result)

    def on_done(result: str | None, error: Exception | None) -> None:
        loop.call_soon_threadsafe(settle, result, error)

    client.start(request, on_done)
    return await asyncio.shield(future)
