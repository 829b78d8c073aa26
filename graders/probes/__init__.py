"""Probes: the instruments every exercise's checks share.

- `run_virtual`: a virtual-time event loop with a deadline, a busy-loop guard and leak detection.
- `InFlight`: counters of work in flight (high-water mark, intervals for a timeline).
- `FakeServer`: an aiohttp server stand-in with latency in loop time.
- `Heartbeat`: proves the loop keeps running while other work happens.
- Spies: `spy_on_new_loops`, `spy_on_sessions`.
- `Solution`: the student's module, loaded with messages for every way loading can fail.
- `handed` (graders/probes/handed.py): what a check gives student code is plain data, plain
  functions or a purpose-built `@handed` class - never a probe or a bound method of one
  (tests/test_handed.py walks it all).
"""

from typing import TYPE_CHECKING

from graders.probes.counters import InFlight, Interval
from graders.probes.heartbeat import Heartbeat
from graders.probes.loop import Outcome, Pending, run_virtual
from graders.probes.loopcalls import spy_on_loop as spy_on_loop
from graders.probes.spies import (
    LoopFactorySpy,
    SessionSpy,
    spy_on_new_loops,
    spy_on_sessions,
)
from graders.probes.student import Solution, call, caller_location, describe_exception
from graders.probes.threads import ThreadWork as ThreadWork

if TYPE_CHECKING:
    from graders.probes.server import FakeServer, Route


def __getattr__(name: str) -> object:
    """FakeServer and Route import aiohttp and aioresponses: only when a check asks for them."""
    if name in ("FakeServer", "Route"):
        from graders.probes import server

        return getattr(server, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "FakeServer",
    "Heartbeat",
    "InFlight",
    "Interval",
    "LoopFactorySpy",
    "Outcome",
    "Pending",
    "Route",
    "SessionSpy",
    "Solution",
    "call",
    "caller_location",
    "describe_exception",
    "run_virtual",
    "spy_on_new_loops",
    "spy_on_sessions",
]
