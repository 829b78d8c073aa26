"""The callback stores the answer in a list; the coroutine checks the list every 10 ms.

truth: wrong
breaks: the lesson's rule for the wait ("Checking again and again whether the answer has come
    (polling) wastes the loop's time and notices the answer late") - call_async polls instead
    of awaiting something the callback fills, so it returns up to 10 ms late.

fails: waits_without_polling
says: it polls
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
    answers: list[tuple[str | None, Exception | None]] = []

    def on_done(result: str | None, error: Exception | None) -> None:
        answers.append((result, error))   # list.append is atomic

    client.start(request, on_done)
    while not answers:
        await asyncio.sleep(0.01)
    result, error = answers[0]
    if error is not None:
        raise error
    return result  # type: ignore[return-value]
