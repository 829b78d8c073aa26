"""Proof that nothing more can happen in a run, so that a probe's wait ends at once, not after
its real-time patience.

A probe's wait for something only student code can bring (a call that fills a barrier, the
failing call, a heartbeat tick) goes through `wait_until`: the waiting thread is *parked*, and
says what it waits for. The run is *still* when every thread of the process is parked and stuck:
- a probe's wait whose condition is false;
- an executor worker in its queue's get() with the queue empty (`watch_queue` gives the executor
  a queue of ours, so that taking an item and leaving the park are one step);
- a `Future.result()` or `Thread.join()` without a timeout, on a future not done or a thread
  alive (student code blocking on one of those, on the loop's thread or elsewhere);
- the event loop's thread in its selector (`watch_loop`), with no callback ready, no file but its
  own wake-up pipe, no signal handler and no timer within PATIENCE of loop time other than a
  heartbeat's (while work runs in threads looptime's clock follows real time, so such a timer
  cannot fire before the wait's own patience ends it anyway). A heartbeat's timer only counts for
  waits that need ticks: it runs no student code.
A thread that is none of those (running, starting, ending, or blocked somewhere unknown) may still
do anything, and there is no proof. Then the real-time patience stays the last resort.

Every park, every change of what a wait waits for, every wake-up of the loop from another thread
(`call_soon_threadsafe` writes to the loop's pipe: it is watched) and every entry into the
selector happens under one lock, `COND`, and the proof is taken under it: a snapshot no thread can
change while it is read. When still, only the wait that would have timed out first gives up (what
the patience would have done, sooner); what follows from it is judged afresh.

Correct code never waits on a probe with nothing else running, so the proof never ends its wait:
the verdict does not depend on it, only the time failing code takes.
"""

from __future__ import annotations

import asyncio
import asyncio.futures
import collections
import concurrent.futures
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from weakref import WeakSet

# Loop seconds past which a timer cannot matter: the waits' real-time patience.
PATIENCE = 5.0
# How a wait ended.
READY, STILL, OUT_OF_PATIENCE = "ready", "still", "out of patience"

COND = threading.Condition(threading.RLock())
_monotonic = time.monotonic
_current_frames = sys._current_frames
_get_ident = threading.get_ident
_result = concurrent.futures.Future.result
_join = threading.Thread.join
_set_result_unless_cancelled = asyncio.futures._set_result_unless_cancelled  # type: ignore[attr-defined]
# Tasks whose steps run no student code (heartbeats): their timers wake nothing that matters.
_HELPER_TASKS: WeakSet[asyncio.Task[Any]] = WeakSet()


@dataclass(eq=False)
class _Park:
    stuck: Callable[[], bool]
    since: float = field(default_factory=_monotonic)
    gives_up: bool = False  # a probe's wait, which may end when the run is still
    needs_ticks: bool = False  # what it waits for comes from a heartbeat
    given_up: bool = False


@dataclass(eq=False)
class _Loop:
    loop: asyncio.AbstractEventLoop
    thread: int
    idle: bool = False  # in its selector, with nothing to do, not woken since
    helper_timer: bool = False  # a heartbeat's timer is pending


_parked: dict[int, _Park] = {}
_loops: dict[int, _Loop] = {}  # by the loop thread
_tracking = 0


def helper_task(task: asyncio.Task[Any] | None) -> None:
    """A task whose steps run no student code: the timers it waits on are not a way forward."""
    if task is not None:
        _HELPER_TASKS.add(task)


def changed() -> None:
    """Something a parked wait may wait for has changed: waits look again."""
    with COND:
        COND.notify_all()


def wait_until(ready: Callable[[], bool], patience: float, *, needs_ticks: bool = False,
               poll: float | None = None) -> str:
    """Park this thread until `ready()` (read under COND), for at most `patience` real seconds.
    Returns READY, or why it gave up: STILL (nothing can make it ready any more) or
    OUT_OF_PATIENCE. Whoever makes `ready()` true must do it under COND and notify (or `poll`
    says how often to look anyway)."""
    park = _Park(stuck=lambda: not ready(), gives_up=True, needs_ticks=needs_ticks)
    give_up_at = park.since + patience
    me = _get_ident()
    with COND:
        if ready():
            return READY
        _parked[me] = park
        try:
            while True:
                _settle()
                if park.given_up:
                    return STILL
                left = give_up_at - _monotonic()
                if left <= 0:
                    return OUT_OF_PATIENCE
                COND.wait(left if poll is None else min(left, poll))
                if ready():
                    return READY
        finally:
            del _parked[me]


@contextmanager
def _parked_while(stuck: Callable[[], bool]) -> Iterator[None]:
    """This thread blocks on something only another thread can end (while `stuck()`)."""
    me = _get_ident()
    with COND:
        if me in _parked:  # already parked by an outer wait of ours
            yield
            return
        _parked[me] = _Park(stuck=stuck)
        _settle()
    try:
        yield
    finally:
        with COND:
            _parked.pop(me, None)


def _settle() -> None:
    """Under COND: if the run is still, the wait that has waited longest gives up."""
    waits = [park for park in _parked.values() if park.gives_up and not park.given_up]
    if not waits or not _still(any(park.needs_ticks for park in waits)):
        return
    min(waits, key=lambda park: park.since).given_up = True
    COND.notify_all()


def _still(needs_ticks: bool) -> bool:
    for ident in _current_frames():
        park = _parked.get(ident)
        if park is not None:
            if not park.stuck():
                return False
            continue
        looping = _loops.get(ident)
        if looping is None or not looping.idle or looping.loop._ready:  # type: ignore[attr-defined]
            return False  # a thread that may still do anything
        if needs_ticks and looping.helper_timer:
            return False
    return True


# The event loop ---------------------------------------------------------------------------------

def watch_loop(loop: asyncio.AbstractEventLoop | None) -> None:
    """Follow this virtual-time loop (on its own thread): when it waits in its selector with
    nothing to do, and when another thread wakes it."""
    if loop is None or _get_ident() in _loops:
        return
    select = getattr(loop, "_LoopTimeEventLoop__original_select", None)
    poke = getattr(loop, "_write_to_self", None)
    if select is None or poke is None or getattr(loop, "_ssock", None) is None:
        return
    state = _Loop(loop, _get_ident())

    def watched_select(timeout: float | None = None) -> Any:
        with COND:
            if _loops.get(state.thread) is state and (timeout is None or timeout > 0):
                state.idle, state.helper_timer = _quiet(loop)
                if state.idle:
                    _settle()
        try:
            return select(timeout=timeout)
        finally:
            with COND:
                state.idle = False

    def watched_poke() -> None:
        with COND:
            state.idle = False  # woken: it has something to do
        poke()

    loop._LoopTimeEventLoop__original_select = watched_select  # type: ignore[attr-defined]
    loop._write_to_self = watched_poke  # type: ignore[attr-defined]
    with COND:
        _loops[state.thread] = state


def _quiet(loop: Any) -> tuple[bool, bool]:
    """(nothing can wake the loop but another thread, a heartbeat's timer is pending)."""
    if loop._ready or getattr(loop, "_signal_handlers", None):
        return False, False
    if set(loop._selector.get_map()) != {loop._ssock.fileno()}:
        return False, False
    now = loop.time()
    helper = False
    for handle in loop._scheduled:
        if handle._cancelled:
            continue
        if _wakes_helper(handle):
            helper = True
        elif handle.when() - now <= PATIENCE:
            return False, False
    return True, helper


def _wakes_helper(handle: Any) -> bool:
    if handle._callback is not _set_result_unless_cancelled or not handle._args:
        return False
    future = handle._args[0]
    return any(task._fut_waiter is future for task in _HELPER_TASKS)


# Executor queues --------------------------------------------------------------------------------

class _WatchedQueue:
    """An executor's work queue whose get() parks the worker while it is empty."""

    def __init__(self) -> None:
        self._items: collections.deque[Any] = collections.deque()

    def put(self, item: Any, block: bool = True, timeout: float | None = None) -> None:
        with COND:
            self._items.append(item)
            COND.notify_all()

    def put_nowait(self, item: Any) -> None:
        self.put(item)

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        with COND:
            if not block:
                return self.get_nowait()
            if timeout is not None:  # a wait that ends by itself is no park
                if not self._items and not COND.wait_for(lambda: self._items, timeout):
                    raise queue.Empty
                return self._items.popleft()
            with _parked_while(lambda: not self._items):
                while not self._items:
                    COND.wait()
                return self._items.popleft()

    def get_nowait(self) -> Any:
        with COND:
            if not self._items:
                raise queue.Empty
            return self._items.popleft()

    def empty(self) -> bool:
        with COND:
            return not self._items

    def qsize(self) -> int:
        with COND:
            return len(self._items)


def watch_queue(executor: concurrent.futures.ThreadPoolExecutor) -> None:
    """Give an executor that has no worker yet a queue of ours (one with workers keeps its own:
    they wait on it already, and its workers stay unknown, so there is no proof)."""
    if isinstance(executor._work_queue, _WatchedQueue):  # type: ignore[attr-defined]
        return
    with executor._shutdown_lock:  # type: ignore[attr-defined]
        work_queue = executor._work_queue  # type: ignore[attr-defined]
        if (executor._threads or type(work_queue) is not queue.SimpleQueue  # type: ignore[attr-defined]
                or not work_queue.empty()):
            return
        executor._work_queue = _WatchedQueue()  # type: ignore[attr-defined]


# Blocking calls of student code -----------------------------------------------------------------

def _watched_result(future: concurrent.futures.Future[Any], timeout: float | None = None) -> Any:
    if timeout is not None or future.done():
        return _result(future, timeout)
    with _parked_while(lambda: not future.done()):
        return _result(future, timeout)


def _watched_join(thread: threading.Thread, timeout: float | None = None) -> None:
    if timeout is not None or thread.ident is None or thread is threading.current_thread():
        return _join(thread, timeout)
    with _parked_while(thread.is_alive):
        return _join(thread, timeout)


@contextmanager
def tracking() -> Iterator[None]:
    """Around a run: blocking calls of student code park their thread. Nested uses are one."""
    global _tracking
    with COND:
        _tracking += 1
        first = _tracking == 1
    if first:
        concurrent.futures.Future.result = _watched_result  # type: ignore[method-assign]
        threading.Thread.join = _watched_join  # type: ignore[method-assign]
    try:
        yield
    finally:
        with COND:
            _tracking -= 1
            last = _tracking == 0
            if last:
                _loops.clear()
        if last:
            concurrent.futures.Future.result = _result  # type: ignore[method-assign]
            threading.Thread.join = _join  # type: ignore[method-assign]
