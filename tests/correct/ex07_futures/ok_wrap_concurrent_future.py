"""A thread-safe concurrent.futures.Future filled by the callback, awaited via asyncio.wrap_future.

truth: correct
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable
from typing import Protocol

OnDone = Callable[[str | None, Exception | None], None]


class LegacyClient(Protocol):
    """What the checks hand you: a client that answers through a callback."""

    def start(self, request: str, on_done: OnDone) -> None: ...


async def call_async(client: LegacyClient, request: str) -> str:
    cf: concurrent.futures.Future[str] = concurrent.futures.Future()

    def on_done(result: str | None, error: Exception | None) -> None:
        # concurrent futures are thread-safe; wrap_future moves the outcome to the loop
        try:
            if error is not None:
                cf.set_exception(error)
            else:
                cf.set_result(result)
        except concurrent.futures.InvalidStateError:
            pass  # cancelled because call_async was cancelled: nobody wants the answer

    client.start(request, on_done)
    return await asyncio.wrap_future(cf)
