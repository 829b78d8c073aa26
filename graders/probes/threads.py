"""Probes for code that hands work to threads: where each call ran, how many ran at once.

`ThreadWork` is an ordinary function to give student code (`await asyncio.to_thread(work, item)`).
Each call records the thread it ran on - the event loop's own thread means the loop was blocked -
and counts calls in flight. Optionally it meets the other calls at a `threading.Barrier` (it passes
only if that many calls run at the same moment) or waits for a `Heartbeat` tick (it comes only if
the loop keeps running while the call runs).

With `after_failure` (a Heartbeat), the other calls also outlast a failing call: they keep
running until the loop has ticked after the failure reached the code on the loop, so a loop that is
blocked while they still run (waiting for them on its own thread) is seen as `stalled_after_failure`.

`ThreadWork.watching()` must be around the run: while work handed to a thread from the loop's
thread is running (an executor's `submit`, which `to_thread`, `run_in_executor`, `wrap_future` and
`map` all go through, or a `threading.Thread` started there), it keeps looptime's clock from jumping
ahead of it, as looptime itself does only for `run_in_executor` futures.

`spy_on_executors()` remembers every `ThreadPoolExecutor` created and its number of workers.

Real-time limits (`PATIENCE`) only stop code that would otherwise wait for ever; a correct
solution passes the barrier or sees a tick within milliseconds, so they never decide its verdict.
A wait also ends as soon as it is proven that nothing can come any more (graders.probes.stillness:
every thread waits for another, and the loop has nothing to do), so failing code does not wait
out the limit either.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import concurrent.futures.thread
import sys
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from graders.probes import stillness
from graders.probes.counters import InFlight
from graders.probes.heartbeat import Heartbeat
from graders.probes.student import caller_location
from graders.results import Location
from graders.trust.student_files import is_student_file

# Real seconds a call waits for the others at the barrier, or for a heartbeat tick. Correct code
# needs milliseconds even on a loaded machine; wrong code (one call at a time, a blocked loop)
# would wait for ever without it.
PATIENCE = 5.0

_get_running_loop = asyncio.events._get_running_loop
_submit = concurrent.futures.ThreadPoolExecutor.submit
_start = threading.Thread.start
_invoke_callbacks = concurrent.futures.Future._invoke_callbacks  # type: ignore[attr-defined]
_WORK_ITEM_RUN = concurrent.futures.thread._WorkItem.run.__code__
# Heartbeat ticks the other calls wait for after a failure, counted from the moment they see it
# reach the code on the loop (raised in a student frame: one tick proves the loop went on), or
# handed to the loop by the executor (the loop may run one tick already due before it reaches the
# student's code), or, for a thread no executor runs, raised (its hand-over cannot be seen).
AFTER_FAILURE_TICKS = {"in student code": 1, "handed to the loop": 3, "raised": 30}


@dataclass
class ThreadCall:
    """One call of a ThreadWork: its argument, the thread it ran on, where it was called from."""

    item: Any
    thread: int
    on_loop_thread: bool
    location: Location | None
    loop_ticked: bool | None = None  # a heartbeat tick came while it ran (worker threads)
    ticks_during: int | None = None  # heartbeat ticks between its start and its end


@dataclass
class ThreadWork:
    """A function `work(item)` that returns `answers[item]` and records how it was run. Student
    code gets `function()`, a plain function that calls it.

    - `failures`: items for which it raises the given exception instead.
    - `barrier`: how many calls must be in flight together (0: none); the calls wait at a
      barrier for up to PATIENCE seconds; `barrier_broken` says it never filled.
    - `heartbeat`: each call on a worker thread waits (up to PATIENCE) for the heartbeat to tick
      after it started; `loop_stalled` says one waited in vain: the loop was blocked meanwhile.

    A call made on the loop's own thread (`loop_thread`, the thread that created the ThreadWork
    unless given) never waits: it is recorded and returns, since waiting could only time out.
    """

    answers: dict[Any, Any]
    failures: dict[Any, BaseException] = field(default_factory=dict)
    barrier: int = 0
    heartbeat: Heartbeat | None = None
    after_failure: Heartbeat | None = None
    patience: float = PATIENCE
    loop_thread: int = field(default_factory=threading.get_ident)
    in_flight: InFlight = field(default_factory=InFlight)
    calls: list[ThreadCall] = field(default_factory=list)
    barrier_broken: bool = False
    loop_stalled: bool = False
    stalled_after_failure: bool = False
    proven_still: bool = False  # a wait that gave up ended because nothing could come any more
    _arrived: int = field(default=0, repr=False)  # calls waiting at the barrier
    _met: int = field(default=0, repr=False)  # times the barrier filled
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _failed: bool = field(default=False, repr=False)
    _failed_in_executor: bool = field(default=False, repr=False)
    _handed_off: threading.Event = field(default_factory=threading.Event, repr=False)
    _no_failure: bool = field(default=False, repr=False)

    def __call__(self, item: Any) -> Any:
        ident = threading.get_ident()
        on_loop = ident == self.loop_thread
        record = ThreadCall(item, ident, on_loop, caller_location() if on_loop else None)
        with self._lock:
            self.calls.append(record)
        ticks_before = len(self.heartbeat.ticks) if self.heartbeat is not None else 0
        with self.in_flight.track_thread(repr(item)):
            if not on_loop:
                self._meet_the_others()
                if self.heartbeat is not None:
                    record.loop_ticked = self._wait_for_tick(self.heartbeat)
                if self.after_failure is not None and item not in self.failures:
                    self._outlast_the_failure(self.after_failure)
        if self.heartbeat is not None:
            record.ticks_during = len(self.heartbeat.ticks) - ticks_before
        if item in self.failures:
            with stillness.COND:
                self._failed_in_executor = not on_loop and in_work_item()
                self._failed = True
                stillness.COND.notify_all()
            raise self.failures[item]
        return self.answers[item]

    def function(self) -> Callable[[Any], Any]:
        """What student code gets: a plain function that calls this ThreadWork. The ThreadWork
        itself has public records (answers, in_flight, calls) that must stay out of reach."""

        def func(item: Any) -> Any:
            return self(item)

        return func

    def _meet_the_others(self) -> None:
        """A barrier of `barrier` calls (as threading.Barrier: once broken, it stays broken),
        under the stillness lock so that a wait nothing can fill any more ends at once."""
        if not self.barrier:
            return
        with stillness.COND:
            if self.barrier_broken:
                return
            self._arrived += 1
            if self._arrived == self.barrier:
                self._arrived = 0
                self._met += 1
                stillness.COND.notify_all()
                return
            met = self._met
            ended = stillness.wait_until(lambda: self._met != met or self.barrier_broken,
                                         self.patience)
            if ended != stillness.READY:
                self._gave_up(ended)
                self.barrier_broken = True
                stillness.COND.notify_all()

    def _wait_for_tick(self, heartbeat: Heartbeat) -> bool:
        seen = len(heartbeat.ticks)
        ended = stillness.wait_until(lambda: len(heartbeat.ticks) > seen or self.loop_stalled,
                                     self.patience, needs_ticks=True, poll=0.002)
        if ended == stillness.READY and len(heartbeat.ticks) > seen:
            return True
        # One call waiting in vain is proof enough; the others need not wait as long.
        self._gave_up(ended)
        self.loop_stalled = True
        stillness.changed()
        return False

    def _outlast_the_failure(self, heartbeat: Heartbeat) -> None:
        """Keep running until a failing call has raised and the loop has ticked after the
        failure reached it; a loop that cannot tick meanwhile is blocked while calls still run."""
        if self._no_failure or stillness.wait_until(lambda: self._failed,
                                                    self.patience) != stillness.READY:
            self._no_failure = True  # the failing item was not called meanwhile: nothing to see
            return
        seen: dict[str, int] = {}

        def loop_went_on() -> bool:
            if self.stalled_after_failure:
                return True
            ticks = len(heartbeat.ticks)
            for stage in self._failure_stages():
                seen.setdefault(stage, ticks)
            return any(ticks >= at + AFTER_FAILURE_TICKS[stage] for stage, at in seen.items())

        ended = stillness.wait_until(loop_went_on, self.patience, needs_ticks=True, poll=0.002)
        if ended != stillness.READY:
            self._gave_up(ended)
            self.stalled_after_failure = True  # one call waiting in vain is proof enough
            stillness.changed()

    def _gave_up(self, ended: str) -> None:
        if ended == stillness.STILL:
            self.proven_still = True

    def waited(self) -> str:
        """How long a wait that gave up waited, for a message."""
        if self.proven_still:
            return "until nothing else could happen"
        return f"for {self.patience:g} s of real time"

    def _failure_stages(self) -> list[str]:
        stages = []
        if any(_raised_in_student_code(error) for error in self.failures.values()):
            stages.append("in student code")
        if self._handed_off.is_set():
            stages.append("handed to the loop")
        if not self._failed_in_executor:
            stages.append("raised")
        return stages

    @contextmanager
    def watching(self) -> Iterator[None]:
        """Around a run: keep loop time from jumping while work runs in threads, and see a
        failing call's exception handed over by its executor."""
        held: list[_Held] = []
        # A pool future reads as done() a moment before its callbacks (wrap_future's, which tell
        # the loop) have run: the loop time is held until they have, or the clock could jump to
        # a deadline in between.
        # A call that ends at once can hand its result over before submit() returns: `handed`
        # remembers those, under the same lock, so that no future is held for ever.
        handing: weakref.WeakKeyDictionary[concurrent.futures.Future[Any],
                                           tuple[threading.Event, Callable[[], None]]]
        handing = weakref.WeakKeyDictionary()
        handed_over: weakref.WeakSet[concurrent.futures.Future[Any]] = weakref.WeakSet()
        handing_lock = threading.Lock()

        def submit(executor: concurrent.futures.ThreadPoolExecutor, fn: Any, /, *args: Any,
                   **kwargs: Any) -> concurrent.futures.Future[Any]:
            stillness.watch_loop(_get_running_loop())
            stillness.watch_queue(executor)
            _starting.in_submit = True
            try:
                future = _submit(executor, fn, *args, **kwargs)
            finally:
                _starting.in_submit = False
            with handing_lock:
                if future in handed_over:
                    return future
                handed = threading.Event()
                wake = _hold_loop_time(handed.is_set, held)
                if wake is not None:
                    handing[future] = (handed, wake)
            return future

        def start(thread: threading.Thread) -> None:
            if getattr(_starting, "in_submit", False):
                _start(thread)  # an executor's own worker thread: its work items are held
                return
            stillness.watch_loop(_get_running_loop())
            wake = _hold_loop_time(lambda: thread.ident is not None and not thread.is_alive(),
                                   held)
            if wake is not None:
                thread.run = _then(thread.run, wake)  # type: ignore[method-assign]
            _start(thread)

        def invoke_callbacks(future: concurrent.futures.Future[Any]) -> None:
            _invoke_callbacks(future)
            with handing_lock:
                handed_over.add(future)
                waiting = handing.pop(future, None)
            if waiting is not None:
                handed, wake = waiting
                handed.set()
                wake()
            error = future._exception  # type: ignore[attr-defined]
            if error is not None and any(error is failure for failure in self.failures.values()):
                self._handed_off.set()
                stillness.changed()

        patches = [(concurrent.futures.ThreadPoolExecutor, "submit", submit),
                   (threading.Thread, "start", start),
                   (concurrent.futures.Future, "_invoke_callbacks", invoke_callbacks)]
        originals = [(owner, name, owner.__dict__[name]) for owner, name, _ in patches]
        for owner, name, replacement in patches:
            setattr(owner, name, replacement)
        try:
            with stillness.tracking():
                yield
        finally:
            for owner, name, original in originals:
                setattr(owner, name, original)
            held.clear()

    @property
    def on_loop_thread(self) -> list[ThreadCall]:
        return [call for call in self.calls if call.on_loop_thread]

    @property
    def threads_used(self) -> int:
        return len({call.thread for call in self.calls})


_starting = threading.local()


class _Held:
    """Work running in another thread, as looptime's idle test sees it: it only calls done()."""

    def __init__(self, done: Callable[[], bool]) -> None:
        self.done = done


def _nothing() -> None:
    pass


def _hold_loop_time(done: Callable[[], bool], held: list[_Held]) -> Callable[[], None] | None:
    """While `done()` is false, the virtual-time loop running on this thread waits in real time
    instead of jumping to its next timer (looptime does this for its run_in_executor futures).
    Returns a function that wakes the loop up, for the thread to call when its work ends."""
    loop = _get_running_loop()
    futures = getattr(loop, "_LoopTimeEventLoop__sync_futures", None)
    if loop is None or futures is None:
        return None
    marker = _Held(done)
    held.append(marker)  # looptime keeps them in a weak set
    futures.add(marker)

    def wake() -> None:
        try:
            loop.call_soon_threadsafe(_nothing)
        except RuntimeError:
            pass  # the loop is closed: nothing waits any more

    return wake


def _then(run: Callable[[], None], after: Callable[[], None]) -> Callable[[], None]:
    def run_then() -> None:
        try:
            run()
        finally:
            after()

    return run_then


def in_work_item() -> bool:
    """Whether this call runs inside an executor's work item (which hands its outcome over)."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code is _WORK_ITEM_RUN:
            return True
        frame = frame.f_back  # type: ignore[assignment]
    return False


def _raised_in_student_code(error: BaseException) -> bool:
    trace = error.__traceback__
    while trace is not None:
        if is_student_file(trace.tb_frame.f_code.co_filename):
            return True
        trace = trace.tb_next
    return False


@dataclass
class ExecutorRecord:
    max_workers: int
    location: Location | None


@dataclass
class ExecutorSpy:
    """Every ThreadPoolExecutor created while spying (asyncio's default executor included)."""

    created: list[ExecutorRecord] = field(default_factory=list)

    def smaller_than(self, workers: int) -> list[ExecutorRecord]:
        return [record for record in self.created if record.max_workers < workers]


@contextmanager
def spy_on_executors() -> Iterator[ExecutorSpy]:
    spy = ExecutorSpy()
    original_init = concurrent.futures.ThreadPoolExecutor.__init__

    def recording_init(executor: concurrent.futures.ThreadPoolExecutor, *args: Any,
                       **kwargs: Any) -> None:
        original_init(executor, *args, **kwargs)
        spy.created.append(ExecutorRecord(executor._max_workers, caller_location()))

    concurrent.futures.ThreadPoolExecutor.__init__ = recording_init  # type: ignore[method-assign]
    try:
        yield spy
    finally:
        concurrent.futures.ThreadPoolExecutor.__init__ = original_init  # type: ignore[method-assign]
