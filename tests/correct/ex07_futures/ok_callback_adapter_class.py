"""A reusable adapter object used as the callback; it resolves the future on the loop's thread.

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


class _FutureCallback:
    """Callable passed as on_done; safe to call from any thread, any time, once."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self.future: asyncio.Future[str] = loop.create_future()

    def __call__(self, result: str | None, error: Exception | None) -> None:
        self._loop.call_soon_threadsafe(self._resolve, result, error)

    def _resolve(self, result: str | None, error: Exception | None) -> None:
        if self.future.done():       # cancelled while waiting: ignore the late answer
            return
        if error is not None:
            self.future.set_exception(error)
        else:
            self.future.set_result(result)  # type: ignore[arg-type]


async def call_async(client: LegacyClient, request: str) -> str:
    callback = _FutureCallback(asyncio.get_running_loop())
    client.start(request, callback)
    return await callback.future
