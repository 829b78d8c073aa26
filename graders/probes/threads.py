"""Probes for code that hands work to threads: where each call ran, how many ran at once.

`ThreadWork` is an ordinary function to give student code (`await asyncio.to_thread(work, item)`).
Each call records the thread it ran on - the event loop's own thread means the loop was blocked -
and counts calls in flight. Optionally it meets the other calls at a `threading.Barrier` (it passes
only if that many calls run at the same moment) or waits for a `Heartbeat` tick (it comes only if
the loop keeps running while the call runs).

`spy_on_executors()` remembers every `ThreadPoolExecutor` created and its number of workers.

Real-time limits (`PATIENCE`) only stop code that would otherwise wait for ever; a correct
solution passes the barrier or sees a tick within milliseconds, so they never decide its verdict.
"""

from __future__ import annotations

import concurrent.futures
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from graders.probes.counters import InFlight
from graders.probes.heartbeat import Heartbeat
from graders.probes.student import caller_location
from graders.results import Location

# Real seconds a call waits for the others at the barrier, or for a heartbeat tick. Correct code
# needs milliseconds even on a loaded machine; wrong code (one call at a time, a blocked loop)
# would wait for ever without it.
PATIENCE = 5.0

_monotonic = time.monotonic
_pause = threading.Event().wait  # a sleep nobody can patch (time.sleep may be spied on)


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
    """A plain function `work(item)` that returns `answers[item]` and records how it was run.

    - `failures`: items for which it raises the given exception instead.
    - `barrier`: how many calls must be in flight together (0: none); the calls wait at a
      `threading.Barrier` for up to PATIENCE seconds; `barrier_broken` says it never filled.
    - `heartbeat`: each call on a worker thread waits (up to PATIENCE) for the heartbeat to tick
      after it started; `loop_stalled` says one waited in vain: the loop was blocked meanwhile.

    A call made on the loop's own thread (`loop_thread`, the thread that created the ThreadWork
    unless given) never waits: it is recorded and returns, since waiting could only time out.
    """

    answers: dict[Any, Any]
    failures: dict[Any, BaseException] = field(default_factory=dict)
    barrier: int = 0
    heartbeat: Heartbeat | None = None
    patience: float = PATIENCE
    loop_thread: int = field(default_factory=threading.get_ident)
    in_flight: InFlight = field(default_factory=InFlight)
    calls: list[ThreadCall] = field(default_factory=list)
    barrier_broken: bool = False
    loop_stalled: bool = False
    _barrier: threading.Barrier | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if self.barrier:
            self._barrier = threading.Barrier(self.barrier, timeout=self.patience)

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
        if self.heartbeat is not None:
            record.ticks_during = len(self.heartbeat.ticks) - ticks_before
        if item in self.failures:
            raise self.failures[item]
        return self.answers[item]

    def _meet_the_others(self) -> None:
        if self._barrier is None:
            return
        try:
            self._barrier.wait()
        except threading.BrokenBarrierError:
            self.barrier_broken = True

    def _wait_for_tick(self, heartbeat: Heartbeat) -> bool:
        seen = len(heartbeat.ticks)
        give_up = _monotonic() + self.patience
        while len(heartbeat.ticks) <= seen:
            if self.loop_stalled or _monotonic() > give_up:
                # One call waiting in vain is proof enough; the others need not wait as long.
                self.loop_stalled = True
                return False
            _pause(0.002)
        return True

    @property
    def on_loop_thread(self) -> list[ThreadCall]:
        return [call for call in self.calls if call.on_loop_thread]

    @property
    def threads_used(self) -> int:
        return len({call.thread for call in self.calls})


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
