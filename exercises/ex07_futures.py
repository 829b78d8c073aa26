"""Exercise 7 - Futures: turning a callback API into something you can await

What it is
    Plenty of older libraries do not return coroutines. You call them with a callback, they
    return at once, and later - from a timer or from a thread of their own - they call you back
    with the answer. An `asyncio.Future` is the bridge: `loop.create_future()` makes an empty
    box a coroutine can `await`; `future.set_result(value)` or `future.set_exception(error)`
    fills it, and the awaiting coroutine wakes up with the value (or the error raised).

    Two rules come with it. A future belongs to its event loop and is not thread-safe: a
    callback that runs on another thread must not touch it, but ask the loop to do it, with
    `loop.call_soon_threadsafe(function, *args)`. And a future can be cancelled while it waits
    (the coroutine awaiting it was cancelled): setting a cancelled future raises
    `asyncio.InvalidStateError`, so check `future.cancelled()` (or `future.done()`) first.

Why it matters
    Awaiting the future costs nothing while you wait: the coroutine sleeps until the callback
    fills the box, and the loop runs other work meanwhile. Checking again and again whether the
    answer has come (polling) wastes the loop's time and notices the answer late.

Your task
    `async def call_async(client: LegacyClient, request: str) -> str`: `client.start(request,
    on_done)` starts a request and returns at once; later the client calls
    `on_done(result, error)` exactly once: `(result, None)` when the request succeeded and
    `(None, error)` when it failed. The call may come on the event loop's thread or on a
    thread of the client's own. Return the result, or raise the client's error. If the
    coroutine is cancelled while it waits, it stays cancelled, and the answer that comes in
    later must cause no error anywhere.

Example
    >>> await call_async(client, "GET /weather")     # the client answers 2 s later
    'sunny'
    >>> await call_async(client, "GET /missing")     # the client reports an error
    Traceback (most recent call last):
    ...
    ClientError: GET /missing failed

Check your work with `grade exercise 7`; stuck? `grade hint 7`.
"""

from __future__ import annotations

import asyncio  # noqa: F401  (you will need it)
from collections.abc import Callable
from typing import Protocol

OnDone = Callable[[str | None, Exception | None], None]


class LegacyClient(Protocol):
    """What the checks hand you: a client that answers through a callback."""

    def start(self, request: str, on_done: OnDone) -> None: ...


async def call_async(client: LegacyClient, request: str) -> str:
    raise NotImplementedError("write call_async")


if __name__ == "__main__":
    print("This file is graded, not run: `grade exercise 7` checks it (stuck? `grade hint 7`).")
