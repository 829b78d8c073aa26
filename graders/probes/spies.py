"""Spies that watch what student code does to the world around it."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import looptime

if TYPE_CHECKING:  # imported by spy_on_sessions: only exercise 3's checks need aiohttp
    import aiohttp

from graders.check import at_line
from graders.probes.handed import handed
from graders.probes.student import caller_location
from graders.results import Location
from graders.trust.student_files import is_student_file

_get_running_loop = asyncio.events._get_running_loop


@dataclass
class BlockingCall:
    call: str
    seconds: float
    location: Location | None

    def describe(self) -> str:
        return f"{self.call}({self.seconds:g}){at_line(self.location)}"


@dataclass
class BusyWait:
    """A clock read over and over by student code on an event loop's thread: a busy wait."""

    clock: str
    reads: int
    location: Location | None

    def describe(self) -> str:
        return f"{self.clock}(){at_line(self.location)}"


# Clock reads by student code on a thread that runs an event loop, past which the code counts as
# waiting in a busy loop: a program that waits properly reads the clock a handful of times; one
# that spins for a tenth of a second reads it hundreds of thousands of times.
BUSY_READS = 2_000
_CLOCKS = {"time": 1, "monotonic": 1, "perf_counter": 1,
           "time_ns": 10**9, "monotonic_ns": 10**9, "perf_counter_ns": 10**9}
_real_clocks = {name: getattr(time, name) for name in _CLOCKS}


# What one read of a real clock by student code on a loop's thread moves that clock on, while it
# is spied: the time module's clocks then count reads, not real time, so a busy wait reads them
# the same number of times on an idle machine and on one at load 30 (by real time it ended after
# fewer than BUSY_READS reads on a loaded one, and was told it asked too early instead). Code that
# waits properly reads a clock a handful of times: a few tenths of a millisecond.
READ_TICK = 1e-4


@dataclass
class ClockSpy:
    """Counts clock reads made by student code on an event loop's thread; the time module's clocks
    then move `READ_TICK` a read from where they first stood, whatever real time does. Past
    `BUSY_READS` the code is waiting in a busy loop: the wait is recorded in `busy`, and from
    then on each read it makes is an hour later than the one before, so that the loop ends at once
    instead of holding the thread."""

    busy: list[BusyWait] = field(default_factory=list)
    reads: int = 0
    _skew: float = 0.0
    _started: dict[str, Any] = field(default_factory=dict)  # each real clock's first reading

    def wrap(self, clock: str, read: Callable[[], Any], scale: int = 1,
             by_reads: bool = False) -> Callable[[], Any]:
        def spied() -> Any:
            value = read()
            caller = sys._getframe(1).f_code.co_filename
            if _get_running_loop() is None or not is_student_file(caller):
                return value
            self.reads += 1
            if by_reads:
                value = self._started.setdefault(clock, value) + type(value)(
                    self.reads * READ_TICK * scale)
            if self.reads < BUSY_READS:
                return value
            if self.reads == BUSY_READS:
                self.busy.append(BusyWait(clock, self.reads, caller_location()))
            self._skew += 3600.0
            return value + type(value)(self._skew * scale)

        return spied

    def watch_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Count this loop's `loop.time()` too (the instance's own attribute, not its class's):
        the loop's own clock, simulated time, which reads leave as it is."""
        loop.time = self.wrap("loop.time", loop.time)  # type: ignore[method-assign]


@contextmanager
def spy_on_clock_reads() -> Iterator[ClockSpy]:
    spy = ClockSpy()
    for name, scale in _CLOCKS.items():
        setattr(time, name, spy.wrap(f"time.{name}", _real_clocks[name], scale, by_reads=True))
    try:
        yield spy
    finally:
        for name, read in _real_clocks.items():
            setattr(time, name, read)


@dataclass
class LoopFactorySpy:
    """Makes the new loops of the policy `spy_on_new_loops` installs: they run in virtual time and
    are remembered. Student code gets the policy (asyncio.get_event_loop_policy()), never this."""

    created: list[asyncio.AbstractEventLoop] = field(default_factory=list)
    _base: asyncio.AbstractEventLoopPolicy = field(default_factory=asyncio.DefaultEventLoopPolicy,
                                                   repr=False)

    def new_event_loop(self) -> asyncio.AbstractEventLoop:
        loop = looptime.patch_event_loop(self._base.new_event_loop())  # type: ignore[arg-type]
        self.created.append(loop)
        return loop

    # With `watch_runs`: loops made before the spy (a module-level loop) that ran while it spied.
    ran_elsewhere: list[asyncio.AbstractEventLoop] = field(default_factory=list)

    def left_open(self) -> list[asyncio.AbstractEventLoop]:
        return [loop for loop in self.created if not loop.is_closed()]

    def ran_elsewhere_open(self) -> list[asyncio.AbstractEventLoop]:
        return [loop for loop in self.ran_elsewhere if not loop.is_closed()]

    def close_all(self) -> None:
        for loop in self.left_open() + self.ran_elsewhere_open():
            if not loop.is_running():
                loop.close()

    def saw_run(self, loop: asyncio.AbstractEventLoop) -> None:
        if not any(loop is seen for seen in self.created + self.ran_elsewhere):
            looptime.patch_event_loop(loop)  # type: ignore[arg-type]
            self.ran_elsewhere.append(loop)


@contextmanager
def _watching_runs(spy: LoopFactorySpy) -> Iterator[None]:
    """Every loop that starts running meanwhile is shown to the spy (and runs in virtual time)."""
    original = asyncio.BaseEventLoop.run_forever

    def run_forever(loop: asyncio.BaseEventLoop) -> None:
        spy.saw_run(loop)
        original(loop)

    asyncio.BaseEventLoop.run_forever = run_forever  # type: ignore[method-assign]
    try:
        yield
    finally:
        asyncio.BaseEventLoop.run_forever = original  # type: ignore[method-assign]


@handed
class _SpiedPolicy(asyncio.DefaultEventLoopPolicy):
    """The event loop policy student code sees: its new loops come from a function that keeps
    the spy in a closure, so no public attribute leads to it."""

    def __init__(self, new_loop: Callable[[], asyncio.AbstractEventLoop]) -> None:
        super().__init__()
        self._new_loop = new_loop

    def new_event_loop(self) -> asyncio.AbstractEventLoop:
        return self._new_loop()


@contextmanager
def spy_on_new_loops(*, watch_runs: bool = False) -> Iterator[LoopFactorySpy]:
    """New loops run in virtual time and are remembered. With `watch_runs`, so are loops made
    before (a module-level loop) that run meanwhile: `ran_elsewhere`."""
    original = asyncio.get_event_loop_policy()
    spy = LoopFactorySpy()
    asyncio.set_event_loop_policy(_SpiedPolicy(lambda: spy.new_event_loop()))
    try:
        if watch_runs:
            with _watching_runs(spy):
                yield spy
        else:
            yield spy
    finally:
        asyncio.set_event_loop_policy(original)
        spy.close_all()


@dataclass
class SessionSpy:
    """Remembers every aiohttp.ClientSession created, to count them and check they were closed."""

    sessions: list[aiohttp.ClientSession] = field(default_factory=list)
    locations: list[Location | None] = field(default_factory=list)

    @property
    def unclosed(self) -> list[Location | None]:
        return [where for session, where in zip(self.sessions, self.locations, strict=True)
                if not session.closed]


@contextmanager
def spy_on_sessions() -> Iterator[SessionSpy]:
    spy = SessionSpy()
    import aiohttp

    original_init = aiohttp.ClientSession.__init__

    def recording_init(session: aiohttp.ClientSession, *args: Any, **kwargs: Any) -> None:
        original_init(session, *args, **kwargs)
        spy.sessions.append(session)
        spy.locations.append(caller_location())

    aiohttp.ClientSession.__init__ = recording_init  # type: ignore[method-assign]
    try:
        yield spy
    finally:
        aiohttp.ClientSession.__init__ = original_init  # type: ignore[method-assign]
