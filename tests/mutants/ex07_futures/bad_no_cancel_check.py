"""Passes future.set_result / set_exception straight to call_soon_threadsafe, with no cancelled() check.

truth: wrong
breaks: "If the coroutine is cancelled while it waits, ... the answer that comes in later must
    cause no error anywhere" - setting the cancelled future raises InvalidStateError in the
    loop's callback (reported by the loop's exception handler).

fails: late_callback_is_harmless
says: InvalidStateError
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
        if error is not None:
            loop.call_soon_threadsafe(future.set_exception, error)
        else:
            loop.call_soon_threadsafe(future.set_result, result)

    client.start(request, on_done)
    return await future
