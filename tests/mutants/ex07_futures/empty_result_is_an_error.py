"""on_done tells a result from an error by the result being truthy (`if result:`).

A client that answers an empty string, with no error, makes it call set_exception(None), which
raises TypeError in the loop, and call_async never returns. The checks only ever answered
non-empty strings, and passed it (issue 22, item 4: a falsy answer is a real answer).

truth: wrong
breaks: "`(result, None)` when the request succeeded ... Return the result"
fails: returns_the_result
says: its result was an empty string, falsy but a result like any other
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
        if result:
            future.set_result(result)
        else:
            future.set_exception(error)  # type: ignore[arg-type]

    def on_done(result: str | None, error: Exception | None) -> None:
        # Possibly on another thread: only the loop's thread may touch the future.
        loop.call_soon_threadsafe(settle, result, error)

    client.start(request, on_done)
    return await future
