"""Turns: proves that other tasks get to run between pieces of synchronous work, by counting.

A heartbeat that ticks in loop time cannot watch CPU-bound code: the loop's clock stands still
while the code computes, so a timer never comes due. `Turns` counts instead. Instrumented work
calls `worked()` each time it runs; that wakes an observer task, and the observer runs as soon as
the event loop gets control back. The number of pieces of work done in a row before the observer
got its turn is then an exact, clock-free measure of how long other tasks were kept waiting.
"""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass, field


@dataclass
class Stretch:
    """Pieces of work `first`..`last` (1-based, inclusive) done with no turn for other tasks."""

    first: int
    last: int

    @property
    def length(self) -> int:
        return self.last - self.first + 1


@dataclass
class Turns:
    """Run `run()` as a background task beside the code under test; call `worked()` from the work.

    `calls` counts pieces of work; `turns_at` holds, for each turn the observer got, how many
    pieces of work had been done by then; `longest` is the longest stretch of work without a turn.
    Safe to call `worked()` from worker threads too.
    """

    calls: int = 0
    turns_at: list[int] = field(default_factory=list)
    longest: Stretch | None = None
    _first_of_streak: int = 0
    _wake: asyncio.Event = field(default_factory=asyncio.Event, repr=False)
    _loop: asyncio.AbstractEventLoop | None = field(default=None, repr=False)
    _thread: int = field(default=0, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    async def run(self) -> None:
        self._loop, self._thread = asyncio.get_running_loop(), threading.get_ident()
        while True:
            await self._wake.wait()
            self._wake.clear()
            with self._lock:
                self.turns_at.append(self.calls)
                self._first_of_streak = 0

    def worked(self) -> None:
        """Record one piece of work; the observer takes a turn when the loop next gets control."""
        with self._lock:
            self.calls += 1
            if not self._first_of_streak:
                self._first_of_streak = self.calls
            streak = Stretch(self._first_of_streak, self.calls)
            if self.longest is None or streak.length > self.longest.length:
                self.longest = streak
        if self._loop is None:
            return
        if threading.get_ident() == self._thread:
            self._wake.set()
        else:
            self._loop.call_soon_threadsafe(self._wake.set)

    def turns_during(self) -> int:
        """Turns other tasks got after the first piece of work and before the last one."""
        return sum(1 for done in self.turns_at if 0 < done < self.calls)
