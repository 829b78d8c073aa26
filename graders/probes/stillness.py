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
- a `threading.Event().wait()` without a timeout, on an event not set (`Event.set` notifies
  under COND);
A thread that is none of those (running, starting, ending, or blocked somewhere unknown) may still
do anything, and there is no proof. Then the real-time patience stays the last resort. A thread
only starting (`_thread.start_new_thread` called, no Python frame of its own yet) is counted as
one that may do anything: `tracking` counts those.

Every park, every change of what a wait waits for, every wake-up of the loop from another thread
(`call_soon_threadsafe` writes to the loop's pipe: it is watched) and every entry into the
selector happens under one lock, `COND`, and the proof is taken under it: a snapshot no thread can
change while it is read. When still, only the wait that would have timed out first gives up (what
the patience would have done, sooner); what follows from it is judged afresh.

Correct code never waits on a probe with nothing else running, so the proof never ends its wait:
the verdict does not depend on it, only the time failing code takes.

A deadlock: the thread of a loop a probe drives (`driving`, run_virtual's) blocked in
`Event().wait()` (no timeout) while the run is still and no probe's wait is left to give up.
Nothing can ever set that event, and the loop can run nothing else: the wait raises `Deadlock` at
once, which the check reports as the hang it is (what its real-time limit would have stopped,
seconds later). Here "still" must hold for ever, not only for the patience: an idle loop with any
timer of other code pending is no proof. Correct code never blocks a loop's thread for ever, so
this too changes only the time failing code takes.
"""

from __future__ import annotations

import _thread
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
_event_wait = threading.Event.wait
_event_set = threading.Event.set
_get_running_loop = asyncio._get_running_loop
_getframe = sys._getframe
# Real seconds between looks at an event a parked wait waits for: only a safety net for a set()
# that bypasses the patched one (a bound method taken before tracking began); the patched set()
# wakes the wait at once.
_RELOOK = 0.05
_set_result_unless_cancelled = asyncio.futures._set_result_unless_cancelled  # type: ignore[attr-defined]
# Tasks whose steps run no student code (heartbeats): their timers wake nothing that matters.
_HELPER_TASKS: WeakSet[asyncio.Task[Any]] = WeakSet()


@dataclass(eq=False)
class _Park:
    stuck: Callable[[], bool]
    since: float = field(default_factory=_monotonic)
    gives_up: bool = False  # a probe's wait, which may end when the run is still
    needs_ticks: bool = False  # what it waits for comes from a heartbeat
    blocks_loop: bool = False  # on an event loop's thread, with no timeout: a deadlock once still
    given_up: bool = False


class Deadlock(BaseException):
    """Raised in an event loop's thread that waits, with no timeout, for what no thread can ever
    bring any more. A BaseException: `except Exception` in student code must not swallow it."""


@dataclass(eq=False)
class _Loop:
    loop: asyncio.AbstractEventLoop
    thread: int
    idle: bool = False  # in its selector, with nothing to do, not woken since
    helper_timer: bool = False  # a heartbeat's timer is pending
    later_timer: bool = False  # a timer of other code is pending, past PATIENCE


_parked: dict[int, _Park] = {}
_loops: dict[int, _Loop] = {}  # by the loop thread
_tracking = 0
_starting = 0  # threads started that may not run Python code yet (invisible to the proof)
_driven: set[int] = set()  # threads running a probe's loop (run_virtual): where a hang is judged
# Driven threads where a Deadlock was raised, until their loop's run ends: a wait there after it
# (code that caught it and waited again) is a plain one, left to the time limit as before the
# proof; raising again and again into code that swallows every exception only made it spin, and
# where the time limit's own exception landed (in or out of the student's try) decided the message.
_swallowed: set[int] = set()


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
    """Under COND: if the run is still, the wait that has waited longest gives up. With no
    probe's wait left (their patience would have ended them first), a loop's thread blocked for
    ever is a deadlock: its wait gives up."""
    waits = [park for park in _parked.values() if park.gives_up and not park.given_up]
    if waits:
        if _still(any(park.needs_ticks for park in waits)):
            min(waits, key=lambda park: park.since).given_up = True
            COND.notify_all()
        return
    blocked = [park for park in _parked.values() if park.blocks_loop and not park.given_up]
    if blocked and _still(needs_ticks=False, forever=True):
        min(blocked, key=lambda park: park.since).given_up = True
        COND.notify_all()


def _still(needs_ticks: bool, forever: bool = False) -> bool:
    """Every thread parked and stuck (`forever`: for good, not only for PATIENCE)."""
    if _starting:
        return False  # a thread with no frame yet: unseen, it may still do anything
    for ident in _current_frames():
        park = _parked.get(ident)
        if park is not None:
            if park.given_up or not park.stuck():
                return False  # about to run again
            continue
        looping = _loops.get(ident)
        if looping is None or not looping.idle or looping.loop._ready:  # type: ignore[attr-defined]
            return False  # a thread that may still do anything
        if (needs_ticks and looping.helper_timer) or (forever and looping.later_timer):
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
                state.idle, state.helper_timer, state.later_timer = _quiet(loop)
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


def _quiet(loop: Any) -> tuple[bool, bool, bool]:
    """(nothing can wake the loop within PATIENCE but another thread, a heartbeat's timer is
    pending, a timer of other code is pending past PATIENCE)."""
    if loop._ready or getattr(loop, "_signal_handlers", None):
        return False, False, False
    if set(loop._selector.get_map()) != {loop._ssock.fileno()}:
        return False, False, False
    now = loop.time()
    helper = later = False
    for handle in loop._scheduled:
        if handle._cancelled:
            continue
        if _wakes_helper(handle):
            helper = True
        elif handle.when() - now <= PATIENCE:
            return False, False, False
        else:
            later = True
    return True, helper, later


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


def _watched_event_wait(event: threading.Event, timeout: float | None = None) -> bool:
    # threading's own waits (Thread.start's, for a thread with no frame yet) stay unknown.
    if (timeout is not None or event.is_set()
            or _getframe(1).f_globals.get("__name__") == "threading"):
        return _event_wait(event, timeout)
    me = _get_ident()
    if me in _swallowed:
        return _event_wait(event, timeout)
    # Only the loop a probe drives: there the error reaches the check, which reports the hang.
    blocks_loop = me in _driven and _get_running_loop() is not None
    park = _Park(stuck=lambda: not event.is_set(), blocks_loop=blocks_loop)
    with COND:
        if me in _parked:  # already parked by an outer wait of ours
            return _event_wait(event, timeout)
        _parked[me] = park
        try:
            while not event.is_set():
                if not _tracking:  # tracking ended meanwhile: no set() notifies COND any more
                    break
                _settle()
                if park.given_up:
                    _swallowed.add(me)  # until the check's loop ends: raised once, not again
                    raise Deadlock("it waits for a threading.Event that nothing can set any more")
                COND.wait(_RELOOK)
        finally:
            del _parked[me]
    return _event_wait(event, timeout)


def _watched_event_set(event: threading.Event) -> None:
    with COND:
        _event_set(event)
        COND.notify_all()


def _counting_starts(start: Callable[..., Any]) -> Callable[..., Any]:
    """`start` (a function that starts a thread running its first argument), counting the thread
    as starting until it runs Python code of its own (then it is seen)."""

    def counted(function: Callable[..., Any], *rest: Any, **options: Any) -> Any:
        global _starting

        def begun(*args: Any, **kwargs: Any) -> Any:
            global _starting
            with COND:
                _starting -= 1
            return function(*args, **kwargs)

        with COND:
            _starting += 1
        try:
            return start(begun, *rest, **options)
        except BaseException:
            with COND:
                _starting -= 1
            raise

    return counted


# What starts a thread: `_thread.start_new_thread`, and what `threading` calls (up to Python 3.12
# `_start_new_thread`, from 3.13 `_start_joinable_thread`), wherever this Python has them.
_STARTERS = [(owner, name, getattr(owner, name))
             for owner, name in ((threading, "_start_new_thread"),
                                 (threading, "_start_joinable_thread"),
                                 (_thread, "start_new_thread"),
                                 (_thread, "start_joinable_thread"))
             if hasattr(owner, name)]


_PATCHES: list[tuple[Any, str, Any, Any]] = [
    (concurrent.futures.Future, "result", _result, _watched_result),
    (threading.Thread, "join", _join, _watched_join),
    (threading.Event, "wait", _event_wait, _watched_event_wait),
    (threading.Event, "set", _event_set, _watched_event_set),
    *((owner, name, start, _counting_starts(start)) for owner, name, start in _STARTERS),
]


@contextmanager
def driving() -> Iterator[None]:
    """Around a probe's run of a loop on this thread: a wait there that nothing can end any more
    raises Deadlock."""
    me = _get_ident()
    with COND:
        outer = me in _driven
        _driven.add(me)
    try:
        yield
    finally:
        if not outer:
            with COND:
                _driven.discard(me)
                _swallowed.discard(me)


@contextmanager
def tracking() -> Iterator[None]:
    """Around a run: blocking calls of student code park their thread. Nested uses are one."""
    global _tracking
    with COND:
        _tracking += 1
        first = _tracking == 1
    if first:
        for owner, name, _, watched in _PATCHES:
            setattr(owner, name, watched)
    try:
        yield
    finally:
        with COND:
            _tracking -= 1
            last = _tracking == 0
            if last:
                _loops.clear()
                COND.notify_all()  # parked event waits go back to the event's own wait
        if last:
            for owner, name, original, _ in _PATCHES:
                setattr(owner, name, original)
