"""Calls of a function, run in worker threads, that finish in an order the check chooses.

`FinishOrder(func, order).function()` is a plain function to give student code in place of
`func` (a ThreadWork): each call on a worker thread runs `func(item)`, then waits until every item
of `order` has been called and every item before its own in `order` has finished *as the event
loop sees it*: its result was handed to the loop (its executor's future called its callbacks, or
the thread that made the call ended) and the loop then ran HOPS more rounds. HOPS is far more than
any chain of callbacks needs to bring a result to the code waiting for it (a task waking up,
as_completed's queue, asyncio.wait returning), so code that collects results as they come sees
them one by one, in `order`, and can never be right by luck; code that keeps the items' order is
unaffected.
`finished` lists the items in the order their results were handed to the loop.

A call on the loop's own thread never waits: it could only time out. If the calls never all run
together (one at a time, a pool too small) or the loop cannot run its rounds (it is blocked), a
waiting call gives up after PATIENCE real seconds, or as soon as it is proven that nothing can
come any more (graders.probes.stillness), and from then on no call waits (`gave_up`): the limit
only stops code that would otherwise hang; correct code never meets it.

Around a run: `with work.watching(), finish.watching():`, and the student's coroutine awaited
through `finish.running(...)`, which tells it the loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import concurrent.futures.thread
import threading
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from graders.probes import stillness
from graders.probes.threads import PATIENCE, in_work_item

T = TypeVar("T")

# Loop rounds between a result handed to the loop and the next call finishing. A result reaches
# the student's code within a handful of rounds, whatever collects it.
HOPS = 32

# Per thread: the call whose result this thread is about to hand over, and whether the thread is
# one started while watching (it hands results over when it ends).
_handing = threading.local()


class FinishOrder:
    def __init__(self, func: Callable[[Any], Any], order: Sequence[Any], *,
                 patience: float = PATIENCE) -> None:
        self.order = list(order)
        self.finished: list[Any] = []
        self.gave_up = False
        self._func = func
        self._patience = patience
        self._loop_thread = threading.get_ident()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._calls = 0
        self._unhanded = 0  # calls begun whose result has not been handed to the loop yet
        self._marker: _Held | None = None
        self._seen: set[int] = set()  # positions in `order`
        self._changed = stillness.COND  # the waits are parked (stillness.wait_until) under it

    def function(self) -> Callable[[Any], Any]:
        """What student code gets: a plain function, whose state no attribute of it reaches."""
        call = self._call

        def func(item: Any) -> Any:
            return call(item)

        return func

    def _call(self, item: Any) -> Any:
        with self._changed:
            self._calls += 1
            self._unhanded += 1
            self._changed.notify_all()
        try:
            result = self._func(item)
        except BaseException:
            self._count_handed()  # the exception goes back at once
            raise
        if item not in self.order or threading.get_ident() == self._loop_thread:
            self._count_handed()
            if item in self.order:
                with self._changed:
                    self.finished.append(item)
                self._mark_seen(self.order.index(item))
            return result
        position = self.order.index(item)
        self._wait_for_turn(position)
        if in_work_item() or getattr(_handing, "watched", False):
            _handing.pending = (self, position)  # handed over when its future or thread ends
        else:
            self._handed_over(position)
        return result

    async def running(self, awaitable: Awaitable[T]) -> T:
        """Await the student's coroutine, knowing the loop that runs it."""
        self._loop = asyncio.get_running_loop()
        stillness.watch_loop(self._loop)
        # Keep looptime's clock still while a call's result is on its way to the loop: a thread
        # pool's future reads as done a moment before it calls the callbacks that tell the loop,
        # and a clock that jumped then would end the run at its deadline.
        futures = getattr(self._loop, "_LoopTimeEventLoop__sync_futures", None)
        if futures is not None:
            self._marker = _Held(lambda: self._unhanded <= 0)
            futures.add(self._marker)
        return await awaitable

    def _count_handed(self) -> None:
        with self._changed:
            self._unhanded -= 1

    def _wait_for_turn(self, position: int) -> None:
        with self._changed:
            if stillness.wait_until(lambda: self.gave_up or self._may_finish(position),
                                    self._patience) != stillness.READY:
                self.gave_up = True  # one call waiting in vain is proof enough
                self._changed.notify_all()

    def _may_finish(self, position: int) -> bool:
        return self._calls >= len(self.order) and all(
            before in self._seen for before in range(position))

    def _handed_over(self, position: int) -> None:
        with self._changed:
            self.finished.append(self.order[position])
            self._unhanded -= 1
        loop = self._loop
        if loop is None:
            self._mark_seen(position)
            return
        try:
            loop.call_soon_threadsafe(self._hop, loop, position, HOPS)
        except RuntimeError:
            self._mark_seen(position)  # the loop is closed: nobody waits for the result

    def _hop(self, loop: asyncio.AbstractEventLoop, position: int, left: int) -> None:
        if left:
            loop.call_soon(self._hop, loop, position, left - 1)
        else:
            self._mark_seen(position)

    def _mark_seen(self, position: int) -> None:
        with self._changed:
            self._seen.add(position)
            self._changed.notify_all()

    @contextmanager
    def watching(self) -> Iterator[None]:
        """See each result handed to the loop: by its executor's future, or by its thread."""

        def invoke_callbacks(future: concurrent.futures.Future[Any]) -> None:
            invoke(future)
            _hand_over_pending()

        def start(thread: threading.Thread) -> None:
            thread.run = _watched(thread.run)  # type: ignore[method-assign]
            begin(thread)

        invoke = concurrent.futures.Future.__dict__["_invoke_callbacks"]
        begin = threading.Thread.__dict__["start"]
        concurrent.futures.Future._invoke_callbacks = invoke_callbacks  # type: ignore[attr-defined]
        threading.Thread.start = start  # type: ignore[method-assign]
        try:
            with stillness.tracking():
                yield
        finally:
            concurrent.futures.Future._invoke_callbacks = invoke  # type: ignore[attr-defined]
            threading.Thread.start = begin  # type: ignore[method-assign]


class _Held:
    """Work in another thread, as looptime's idle test sees it: it only calls done()."""

    def __init__(self, done: Callable[[], bool]) -> None:
        self.done = done


def _watched(run: Callable[[], None]) -> Callable[[], None]:
    def watched_run() -> None:
        _handing.watched = True
        try:
            run()
        finally:
            _hand_over_pending()

    return watched_run


def _hand_over_pending() -> None:
    pending = getattr(_handing, "pending", None)
    if pending is not None:
        _handing.pending = None
        finish, position = pending
        finish._handed_over(position)
