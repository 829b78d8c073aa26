"""A stretch of work with no turn for other tasks: what the judge's `Turns`
(graders/probes/judge.py) measures. A heartbeat that ticks in loop time cannot watch CPU-bound
code (the loop's clock stands still while it computes), so turns are counted instead: each call of
the watched work wakes an observer task, and the number of calls done in a row before the observer
got its turn is an exact, clock-free measure of how long other tasks were kept waiting.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Stretch:
    """Pieces of work `first`..`last` (1-based, inclusive) done with no turn for other tasks."""

    first: int
    last: int

    @property
    def length(self) -> int:
        return self.last - self.first + 1
