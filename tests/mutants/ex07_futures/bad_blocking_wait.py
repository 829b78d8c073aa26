"""Waits for the callback with a threading.Event, blocking in the coroutine.

truth: wrong
breaks: the lesson's rule "Awaiting the future costs nothing while you wait: ... the loop runs
    other work meanwhile" - threading.Event.wait() blocks the loop's thread until a client
    thread answers (and deadlocks when the answer would come on the loop's thread).

fails: returns_the_result
says: event loop was blocked
"""

from __future__ import annotations

import asyncio  # noqa: F401
import threading
from collections.abc import Callable
from typing import Protocol

OnDone = Callable[[str | None, Exception | None], None]


class LegacyClient(Protocol):
    """What the checks hand you: a client that answers through a callback."""

    def start(self, request: str, on_done: OnDone) -> None: ...


async def call_async(client: LegacyClient, request: str) -> str:
    done = threading.Event()
    box: list[tuple[str | None, Exception | None]] = []

    def on_done(result: str | None, error: Exception | None) -> None:
        box.append((result, error))
        done.set()

    client.start(request, on_done)
    done.wait()
    result, error = box[0]
    if error is not None:
        raise error
    return result  # type: ignore[return-value]
