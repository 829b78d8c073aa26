"""Counters of work in flight, measured in loop time."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field


@dataclass
class Interval:
    """One piece of work: a label and when it started and ended (loop seconds, or None)."""

    label: str
    start: float
    end: float | None = None


@dataclass
class InFlight:
    """Counts how many pieces of work run at once; keeps each one's interval for a timeline.

    Safe to use from worker threads as well as from coroutines.
    """

    now: int = 0
    high_water: int = 0
    started: int = 0
    intervals: list[Interval] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def enter(self, label: str, at: float = 0.0) -> Interval:
        with self._lock:
            self.now += 1
            self.started += 1
            self.high_water = max(self.high_water, self.now)
            interval = Interval(label, at)
            self.intervals.append(interval)
            return interval

    def leave(self, interval: Interval, at: float = 0.0) -> None:
        with self._lock:
            self.now -= 1
            interval.end = at

    @asynccontextmanager
    async def track(self, label: str) -> AsyncIterator[None]:
        """`async with in_flight.track("GET /a"):` around one piece of simulated work."""
        loop = asyncio.get_running_loop()
        interval = self.enter(label, loop.time())
        try:
            yield
        finally:
            self.leave(interval, loop.time())

    @contextmanager
    def track_thread(self, label: str) -> Iterator[None]:
        """The same for work in a worker thread (times are not recorded: threads run in real time)."""
        interval = self.enter(label)
        try:
            yield
        finally:
            self.leave(interval)

    def span(self) -> float:
        """Loop seconds from the first piece's start to the last one's end (0 if none ended):
        the time the work itself needs; a call that took longer waited with none of it running."""
        ends = [item.end for item in self.intervals if item.end is not None]
        if not ends:
            return 0.0
        return max(ends) - min(item.start for item in self.intervals)

    def timeline(self) -> list[dict[str, object]]:
        return [{"label": item.label, "start": item.start, "end": item.end}
                for item in self.intervals]
