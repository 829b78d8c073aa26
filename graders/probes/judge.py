"""The judge's side of a check: the submission process, the world it acts on, and the clock.

A check asks `Submission` to call one of the student's functions. The call runs in a process of
its own (graders/probes/submission.py, forked from the judge, holding nothing but the student's
module and one socket); everything the student's code does to the world comes back here as a
message, and every world object a check hands over is a `Handed` that lives here: the judge sees
each of its calls, with the time on the judge's clock.

The clock is the judge's: a virtual-time event loop (`JudgeLoop`) on which the world's own
coroutines run (a dish that takes 3 s, a server's latency). Time moves only when both sides are
still: the submission has said it is idle until a deadline and the judge's loop has nothing
ready. Then it moves to the earlier of the submission's deadline and the world's next timer.

What a `Run` holds is of two kinds. Evidence the judge saw itself: the value returned (rebuilt as
plain data), the time the call took on the judge's clock, and whatever the world's objects
recorded. And the submission's self-reports (`report`: blocking calls, coroutines never awaited,
tasks left running): they may cost points and name a mistake, never earn one.
"""

from __future__ import annotations

import ast
import asyncio
import collections
import errno
import itertools
import os
import select
import selectors
import signal
import socket
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from graders.check import Fail, record
from graders.probes.loop import Leak, Outcome, Pending
from graders.probes.spies import BlockingCall
from graders.probes.stillness import Deadlock
from graders.probes.student import Stop
from graders.probes.turns import Stretch
from graders.results import Location
from graders.trust import wire
from graders.trust.limits import OUTPUT_LIMIT, PRINTS_SHOWN, keep_out_of_reach

# Real seconds the judge waits for a stuck submission to say where it is, before stopping it
# (it answers in milliseconds; this must stay well inside the grading process's silence limit).
WHERE_PATIENCE = 1.0
# Simulated seconds past a call's own limit after which the judge stops waiting: the submission's
# side ends a run at its limit (plus a grace for code that swallows cancellation) by itself.
_SLACK = 60.0


class Handed:
    """A world object a check hands to student code. The student's code gets a stand-in whose
    methods are messages to the judge; the judge runs the method named in `methods` (each an
    `async def` here, on the judge's clock) and answers with its result.

    `methods` maps each public method to its kind, for the student's code:
    - "async": a coroutine method;
    - "sync": a plain method that takes the world's time (a blocking call): the calling thread
      waits for the judge's answer, and a call on an event loop's thread is reported as blocking;
    - "query": a plain method the judge answers at once (its coroutine here must not wait);
    - "notify": a plain method that returns None at once; the judge runs it in order;
    - "tidy": a coroutine method which, when its caller is cancelled, is cancelled here and ends
      in its own time (it may tidy up first, on the judge's clock): the caller's cancellation
      ends only when it has, as with a coroutine that cleans up before it ends.
    """

    name: ClassVar[str] = "object"
    methods: ClassVar[dict[str, str]] = {}
    # The arguments of its methods that are not plain values (str, int, float, bool, None) cross
    # by reference, lists and dicts included: each as a `wire.Kept` the judge can act on later
    # (`Remote.call_method`), the same object under the same number.
    by_reference: ClassVar[bool] = False
    # Plain-data attributes the stand-in shows, read once when it is handed over (a shop's
    # `pause`): the student's code reads them there, and setting them changes nothing here.
    attributes: ClassVar[tuple[str, ...]] = ()

    def shape(self) -> dict[str, Any]:
        shape = {"name": self.name, "repr": repr(self), "methods": dict(self.methods)}
        if self.by_reference:
            shape["by_reference"] = True
        if self.attributes:
            shape["attributes"] = {name: wire.encode(getattr(self, name)) for name in self.attributes}
        return shape


class Heartbeat(Handed):
    """Beats the submission's runtime sends from a task of its own on the loop that runs the
    call, each `period` seconds of the judge's clock: a loop that keeps running answers every
    one, a loop held by blocking code misses them. What the judge sees is when each beat came."""

    name: ClassVar[str] = "Heartbeat"
    methods: ClassVar[dict[str, str]] = {"beat": "async"}

    def __init__(self, period: float) -> None:
        self.period = period
        self.times: list[float] = []

    async def beat(self, call: Call) -> None:
        self.times.append(call.at)
        await asyncio.sleep(self.period)

    def longest_stall(self, start: float, end: float) -> float:
        """The longest stretch of the judge's time in [start, end] with no beat, past a period."""
        marks = [start, *(time for time in self.times if start <= time <= end), end]
        gaps = [later - earlier for earlier, later in zip(marks, marks[1:], strict=False)]
        return max((gap - self.period for gap in gaps), default=0.0)


class Turns(Handed):
    """Proves that other tasks get turns on the loop that runs a call, by counting, where a
    heartbeat cannot (the loop's clock stands still while CPU-bound code computes: no timer
    comes due). The submission's runtime runs an observer task on that loop (`Submission.call`'s
    `turns=`), woken at once by every call of the watched world object (`watching`); it takes
    its turn as soon as the loop gets control back and tells the judge (`turn`). The world's
    method calls `worked()` for each call it serves, so the judge counts, in the order the
    messages came, how many calls were made in a row before the observer got a turn: exactly
    how long every other task was kept waiting (graders/probes/turns.py, on the judge's side)."""

    name: ClassVar[str] = "Turns"
    methods: ClassVar[dict[str, str]] = {"turn": "notify"}

    def __init__(self, watching: Handed) -> None:
        self.watching = watching
        self.calls = 0
        self.turns_at: list[int] = []  # for each turn the observer got: calls made by then
        self.longest: Stretch | None = None
        self._first_of_streak = 0

    def worked(self) -> None:
        """One call of the watched object, served (the world's method calls it)."""
        self.calls += 1
        if not self._first_of_streak:
            self._first_of_streak = self.calls
        streak = Stretch(self._first_of_streak, self.calls)
        if self.longest is None or streak.length > self.longest.length:
            self.longest = streak

    async def turn(self, call: Call) -> None:
        self.turns_at.append(self.calls)
        self._first_of_streak = 0

    def turns_during(self) -> int:
        """Turns other tasks got after the first call and before the last one."""
        return sum(1 for done in self.turns_at if 0 < done < self.calls)


class Ended(Handed):
    """Told by the submission's runtime when the student's coroutine has ended (returned or
    raised), before the runtime cancels the tasks it left running (`Submission.call`'s
    `on_end=`): the world can then tell what the student's code did to it from the runtime's
    cleanup. A self-report: it may decide what a message says, never a verdict."""

    name: ClassVar[str] = "Ended"
    methods: ClassVar[dict[str, str]] = {"ended": "notify"}

    def __init__(self, then: Callable[[], None]) -> None:
        self.then = then
        self.at: float | None = None  # the judge's clock when it was told

    async def ended(self, call: Call) -> None:
        if self.at is None:
            self.at = call.at
            self.then()


@dataclass(frozen=True)
class Call:
    """One call of a handed object's method, as the submission described it. Which thread and
    task it came from is a self-report: good for a message, not for a verdict."""

    method: str
    thread: str
    on_loop: bool
    task: str | None
    at: float  # the judge's clock when the call arrived


_commands = itertools.count(1)


def next_command() -> int:
    return next(_commands)


# Submission processes kept for the next check of their exercise, by module (and whether its
# reports are forged, for the kit's tests); and, where there is no fork, those started before
# the checks ran, not yet connected.
_KEPT: dict[tuple[str, bool], tuple[Any, socket.socket]] = {}
# Real seconds a kept submission process has to say whether it is fit for the next check (it
# answers at once unless its own code holds it: then it is replaced, which changes no verdict).
RESET_PATIENCE = 5.0
_SPAWNING: dict[str, Any] = {}
_UPCOMING: list[str] = []  # the exercises this process grades next, in order


def start_early(module_names: list[str]) -> None:
    """Where there is no fork: start the first exercise's submission process now, before its
    checks run, and each next one as the one before is taken, so that a start (the grading
    stack's imports) overlaps other work and counts against no check's time limit."""
    if hasattr(os, "fork"):
        return
    _UPCOMING[:] = list(dict.fromkeys(module_names))
    _start_next()


def _start_next() -> None:
    from graders.probes import submission

    while _UPCOMING:
        name = _UPCOMING.pop(0)
        if name not in _SPAWNING and (name, Submission.forge_reports) not in _KEPT:
            _SPAWNING[name] = submission.spawn(name, Submission.forge_reports)
            return


def stop_kept() -> None:
    """Stop the submission processes kept for checks that will not come (the grading ends)."""
    while _KEPT:
        process, sock = _KEPT.popitem()[1]
        sock.close()
        process.end()


def _fit_for_another(process: Any, sock: socket.socket) -> bool:
    """Whether a kept submission process may serve the next check: it says nothing of the last
    one goes on in it (no thread of it, no child process) and its student module is unloaded;
    else it is stopped and the check forks a fresh one. Its word is a self-report: a process
    that lies keeps only its own state, which earns it nothing the judge does not see."""
    try:
        sock.settimeout(RESET_PATIENCE)
        wire.send(sock, {"op": "reset"})
        answer = wire.receive(sock)
        sock.settimeout(None)
        if answer.get("op") == "reset" and answer.get("clean") is True:
            return True
    except (OSError, wire.WireError):
        pass
    sock.close()
    process.end()
    return False


class Broken(Exception):
    """The submission process ended, hung past every limit, or broke the protocol."""


class _OverLimit(Broken):
    """The submission's process said it is idle until a time past its call's limit: it waits in
    a blocking call (a threading wait with a long timeout on the loop's thread) that would hold
    it long past the limit. Proven at once, on the judge's clock."""


class _Conversation:
    """The judge's half of the protocol for the duration of one request."""

    def __init__(self, submission: Submission) -> None:
        self.submission = submission
        self.idle = False
        self.until: float | None = None
        self.outbox: list[dict[str, Any]] = []
        self.commands: list[dict[str, Any]] = []
        self.waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}  # commands sent, by number
        self.answer: asyncio.Future[dict[str, Any]] | None = None
        self.limit_at: float | None = None
        self.started = 0.0  # the judge's clock when the request was sent
        self.on_still: Callable[[], None] | None = None


class _JudgeSelector:
    """Where the judge's loop waits: the conversation with the submission decides what happens
    when the loop has nothing ready."""

    def __init__(self, real: selectors.BaseSelector, loop: JudgeLoop) -> None:
        self._real, self._loop = real, loop

    def select(self, timeout: float | None = None) -> list[Any]:
        events = self._real.select(0)
        if events or timeout == 0:
            return events
        self._loop.step(None if timeout is None else self._loop.now + timeout)
        return self._real.select(0)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class JudgeLoop(asyncio.SelectorEventLoop):
    """A virtual-time loop whose time is the one clock of a grading."""

    def __init__(self, submission: Submission) -> None:
        super().__init__()
        self.now = 0.0
        self.submission = submission
        self._selector = _JudgeSelector(self._selector, self)  # type: ignore[assignment]

    def time(self) -> float:
        return self.now

    def side_channels(self) -> list[int]:
        """The descriptors the world's objects wait on (beside the loop's own wake-up pipe)."""
        own = self._ssock.fileno()  # type: ignore[attr-defined]
        return [key.fd for key in self._selector.get_map().values() if key.fd != own]

    def step(self, next_timer: float | None) -> None:
        """The judge's loop has nothing ready; `next_timer` is its next timer (or None)."""
        talk = self.submission.talk
        if talk is None:
            if next_timer is not None:
                self.now = next_timer
            return
        if talk.idle and (talk.outbox or talk.commands):
            self.submission.wake()
            return
        if not talk.idle:
            self.submission.listen()
            return
        if talk.on_still is not None:  # both sides still: what this instant settled on
            talk.on_still()
        wanted = [time for time in (next_timer, talk.until) if time is not None]
        if not wanted:
            self.submission.deadlocked()
            return
        soonest = min(wanted)
        if talk.limit_at is not None and soonest > talk.limit_at:
            self.submission.over_limit()
            return
        self.now = max(self.now, soonest)
        if talk.until is not None and self.now >= talk.until:
            self.submission.woken.append(self.now)
            self.submission.wake()


@dataclass
class Run(Outcome[Any]):
    """What one call did: the judge's evidence and the submission's self-reports."""

    call: str = ""
    raised: wire.Raised | None = None
    report: dict[str, Any] = field(default_factory=dict)
    broken: str = ""  # the judge's own finding: the process ended, hung or broke the protocol
    # With a heartbeat: the longest stretch of simulated time, past one period, in which the
    # loop answered no beat (the judge's own finding: 0.0 for a loop that was never held).
    stall: float = 0.0
    # The heartbeat itself, for a stall within part of the run (`heartbeat.longest_stall`).
    heartbeat: Heartbeat | None = None

    def result(self, call: str) -> Any:
        """The value the call returned; a Fail naming what went wrong otherwise."""
        if self.broken:
            raise Fail(f"{call}: {self.broken}", status="error")
        self.require_an_end(call)
        if self.raised is not None:
            raise Fail(describe_raised(call, self.raised), _location(self.raised.location))
        return self.value

    @property
    def blocking(self) -> list[BlockingCall]:
        """The blocking calls the submission reported on an event loop's thread (a self-report)."""
        calls = self.report.get("blocking")
        if not isinstance(calls, list):
            return []
        return [BlockingCall(str(call.get("call", "")), _number(call.get("seconds")),
                             _location(_where_of(call.get("location"))))
                for call in calls if isinstance(call, dict)]

    def blocking_message(self) -> str:
        first = self.blocking[0]
        return (f"time.sleep was called inside a coroutine ({first.describe()}): it blocks the "
                f"event loop, so no other coroutine can run meanwhile. Await a non-blocking "
                f"sleep instead.")

    def blocking_location(self) -> Location | None:
        return self.blocking[0].location if self.blocking else None

    def stall_message(self, call: str) -> str:
        """The heartbeat's finding, for a check that asked for one and saw the loop held."""
        return (f"{call} held the event loop's thread for {self.stall:.2f} s of simulated time: "
                f"no other coroutine could run meanwhile. Look for a call that blocks (time.sleep, "
                f"a threading wait, blocking I/O) inside a coroutine, and await instead.")

    def location_of(self, where: Any) -> Location | None:
        """A location as the submission's report holds it."""
        return _location(_where_of(where))

    def reported(self, key: str) -> float:
        """A number the submission reported (0 when it did not)."""
        return _number(self.report.get(key))

    def watched(self, name: str) -> list[tuple[Any, ...]]:
        """The arguments of each call of the student's `name` that ran to its end (reported)."""
        calls = self.report.get("watched", {})
        found = calls.get(name) if isinstance(calls, dict) else None
        if not isinstance(found, list):
            return []
        decoded = []
        for args in found:
            try:
                value = wire.decode(args)
            except wire.WireError:
                continue
            if isinstance(value, list):
                decoded.append(tuple(value))
        return decoded


@dataclass
class Done:
    """What came of a scenario's command, as the submission reported it."""

    state: str = ""  # for a task: "pending", "cancelled", "raised" or "returned"
    value: Any = None
    raised: wire.Raised | None = None
    failed: str = ""  # the submission could not do it (no such function...), in a sentence
    location: Location | None = None
    thread: str = ""
    task: int = 0
    waiting: Pending | None = None  # for a pending task: where it waits (the submission's word)

    @property
    def ok(self) -> bool:
        return self.raised is None and not self.failed


class Remote:
    """What a scenario's script drives the submission's loop with; each method is a command,
    done on that loop in the order sent, and its result is the submission's report of it."""

    def __init__(self, submission: Submission) -> None:
        self._submission = submission

    async def _do(self, message: dict[str, Any]) -> Done:
        answer = await self._submission.command(message)
        return self._submission.done_of(answer)

    async def start(self, function: str, *args: Any, value_at_return: bool = False,
                    **kwargs: Any) -> Done:
        """Call the student's coroutine function `function` and run it as a task there;
        `.task` numbers the task (0 if it did not give a coroutine). `value_at_return`: the
        value the task returned is read the moment it returns (a list it returned may change
        afterwards, before the judge waits for the task)."""
        message = {"op": "start", "function": function,
                   "args": self._submission.encode(list(args)),
                   "kwargs": self._submission.encode(dict(kwargs))}
        if value_at_return:
            message["at_return"] = True
        return await self._do(message)

    async def start_telling(self, told: Handed, function: str, *args: Any, **kwargs: Any) -> Done:
        """`start`, and the world told when the student's coroutine returns or raises: the
        runtime calls `told.ended()` (a "notify" method of that Handed) in the very step it
        ends, so the judge reads the world as it was at that moment (before tasks it left
        behind, or cancelled without waiting for them, run again)."""
        return await self._do({"op": "start", "function": function,
                               "args": self._submission.encode(list(args)),
                               "kwargs": self._submission.encode(dict(kwargs)),
                               "ended": self._submission.encode(told)})

    async def start_method(self, kept: wire.Kept, method: str, *args: Any) -> Done:
        """Run `kept.method(*args)` (an object of the student's code) as a task there."""
        return await self._do({"op": "start", "kept": kept.number, "method": method,
                               "args": self._submission.encode(list(args))})

    async def call_method(self, kept: wire.Kept, method: str, *args: Any) -> Done:
        """Call `kept.method(*args)` there (a plain method of an object of the student's code,
        one it handed the world by reference) and return what it returned."""
        return await self._do({"op": "call", "kept": kept.number, "method": method,
                               "args": self._submission.encode(list(args))})

    async def mark(self) -> Done:
        """A mark the submission's loop sends back from its very next turn, before any task
        runs again: what reached the judge before the mark, the code running now did before it
        gave the loop back (a task woken now by that code would run after the mark)."""
        return await self._do({"op": "mark"})

    async def call(self, function: str, *args: Any, coroutine: bool = False) -> Done:
        """Call the student's plain function (a class, to make an object) there; an object that
        is not data comes back as a `wire.Kept`."""
        return await self._do({"op": "call", "function": function, "coroutine": coroutine,
                               "args": self._submission.encode(list(args))})

    async def wait(self, task: int, timeout: float | None = None) -> Done:
        """Wait (the submission's loop awaits) for task `task`, at most `timeout` simulated s."""
        return await self._do({"op": "wait", "task": task, "timeout": timeout})

    async def state(self, task: int) -> Done:
        return await self._do({"op": "state", "task": task})

    async def cancel(self, task: int) -> Done:
        return await self._do({"op": "cancel", "task": task})

    async def rounds(self, count: int = 1) -> None:
        """Let the submission's loop turn `count` times."""
        await self._do({"op": "rounds", "n": count})

    async def call_back(self, kept: wire.Kept, *args: Any, thread: str = "loop",
                        name: str = "", quiet: bool = False,
                        cancel_first: int = 0) -> Done:
        """Call a callable the student's code handed the world: on the loop's thread, or from a
        new thread named `name` (else after the callable it runs) (`thread="new"`), as a library's
        own thread would.

        `quiet` (with a new thread): the thread tells the judge itself what came of the call,
        without waking the submission's loop, so a loop that nothing else wakes stays asleep.
        `cancel_first` (with a new, quiet thread): the first thing the callable hands to the loop with
        call_soon_threadsafe arrives just after task `cancel_first` is cancelled, as when a
        cancellation and the answer cross."""
        return await self._do({"op": "callback", "kept": kept.number, "thread": thread,
                               "name": name, "args": self._submission.encode(list(args)),
                               "quiet": quiet, "cancel_first": cancel_first})

    async def release(self, kept: wire.Kept | None = None, task: int = 0) -> None:
        """The world is done with a kept object (or a task `start` made, once it has ended): the
        submission drops its reference to it, so what only it held is collected (and asyncio
        reports, say, an exception never retrieved)."""
        await self._do({"op": "release", "kept": kept.number if kept is not None else 0,
                        "task": task})

    async def tasks(self) -> list[dict[str, Any]]:
        """The submission's word on the tasks still pending on its loop, but the ones it runs
        for the judge and those `start` made: for each, its name, a description, where it
        waits and how many cancellations it has pending (a self-report, for messages)."""
        done = await self._do({"op": "tasks"})
        value = done.value if isinstance(done.value, list) else []
        return [item for item in value if isinstance(item, dict)]


def describe_raised(call: str, raised: wire.Raised) -> str:
    """What student code raised, as the kit has always said it (graders.probes.loop)."""
    if raised.is_a("NotImplementedError"):
        return f"{call} is not written yet: it still raises NotImplementedError."
    if raised.is_a("SystemExit"):
        code = raised.args[0] if raised.args else None
        return (f"{call} called sys.exit({code!r}) ({raised.text}): exercise code must return "
                f"its result, never end the program.")
    if raised.is_a("CancelledError"):
        return f"{call} was cancelled (CancelledError escaped from it)."
    if raised.is_a("OSError") and raised.args and raised.args[0] == errno.EFBIG:
        return (f"{call} printed more than {OUTPUT_LIMIT // 1024**2} MB of output; grading keeps "
                f"no more than that ({raised.text}).")
    return f"{call} raised {raised.text}" + (f". {raised.explained}" if raised.explained else "")


def _location(where: Any) -> Location | None:
    if isinstance(where, list | tuple) and len(where) == 2 and type(where[0]) is str \
            and type(where[1]) is int:
        return Location(where[0], where[1])
    return None


def _number(value: Any) -> float:
    return float(value) if type(value) in (int, float) else 0.0


def _where_of(location: Any) -> Any:
    """A location as the submission's report holds it: [file, line], or a dict of both."""
    if isinstance(location, dict):
        return [location.get("file"), location.get("line")]
    return location


def _stop(message: dict[str, Any]) -> Stop:
    function, code = message.get("function"), message.get("code")
    return Stop(_location(message.get("location")), function if type(function) is str else "",
                code if type(code) is str else "", message.get("loop_blocked") is True)


def _pendings(items: Any) -> list[Pending]:
    if not isinstance(items, list):
        return []
    return [Pending(str(item.get("text", "")), _location(item.get("location")))
            for item in items if isinstance(item, dict)]


def _leaks(items: Any) -> list[Leak]:
    return [Leak(pending.name, pending.location) for pending in _pendings(items)]


class Submission:
    """The student's module in a process of its own, for one check: it is started on first use
    and stopped when the check ends."""

    # For the kit's own tests: every self-report of the submission's side forged clean.
    forge_reports: ClassVar[bool] = False

    def __init__(self, module_name: str, path: Path) -> None:
        self.module_name, self.path, self.file_name = module_name, path, path.name
        self.process: Any = None  # a submission.SubmissionProcess
        self.sock: socket.socket | None = None
        self.loop: JudgeLoop | None = None
        self.talk: _Conversation | None = None
        self.handles: dict[int, Handed] = {}
        self.calls: list[Call] = []
        self._serving: dict[int, asyncio.Task[None]] = {}
        self._definitions: dict[str, Location] | None = None
        self._inbox: collections.deque[dict[str, Any]] = collections.deque()
        self.printed = ""  # what the student's code printed during the check (its word)
        self._gone = ""
        # Wakes sent so far: a reply made after the latest one has not reached the submission.
        self.wakes = 0
        # The judge's clock each time it woke the submission because its own deadline came (a
        # timer of its loop, a sleep): the judge's own record of how often the process woke up.
        self.woken: list[float] = []
        # Who is told of the submission's notes during a call (`processes=`).
        self.on_note: Callable[[dict[str, Any]], None] | None = None

    # --- the process ------------------------------------------------------------------------

    def start(self) -> None:
        """Fork the submission process now (a check's fixture does, before the check builds its
        world, so that the process holds nothing of it)."""
        if self.sock is None and not self._gone:
            self._start()

    def _start(self) -> None:
        from graders.probes import submission

        keep_out_of_reach()  # what the submission process may not open: this process
        self.loop = JudgeLoop(self)
        early = _SPAWNING.pop(self.module_name, None)
        if early is not None:
            _start_next()
        kept = _KEPT.pop(self._kept_as(), None)
        if kept is not None and _fit_for_another(*kept):
            self.process, self.sock = kept
            return
        self.process, self.sock = early.connect() if early else \
            submission.start(self.module_name, self.forge_reports)

    def _kept_as(self) -> tuple[str, bool]:
        return self.module_name, self.forge_reports

    def close(self) -> None:
        if self.sock is not None and self.process is not None and not self._gone \
                and self._kept_as() not in _KEPT:
            # The next check of this exercise takes the process over, its module loaded anew,
            # if it is fit then (`_fit_for_another`): a fork per check, with what it costs the
            # kernel and the copied memory, was most of a check's cost.
            _KEPT[self._kept_as()] = (self.process, self.sock)
            self.sock = self.process = None
        if self.sock is not None:
            try:
                wire.send(self.sock, {"op": "stop"})
            except OSError:
                pass
            self.sock.close()
            self.sock = None
        if self.process is not None:
            self.process.end()
            self.process = None
        if self.loop is not None:
            for task in asyncio.all_tasks(self.loop):
                task.cancel()
            self.loop.close()
            self.loop = None

    # --- what a check asks ------------------------------------------------------------------

    def load(self) -> None:
        """Import the student's file there; a Fail saying why it could not be."""
        answer = self._request({"op": "load"})
        self._fail_if_refused(answer)

    def kinds(self, names: list[str], expected: dict[str, str]) -> dict[str, str]:
        """What the module's `names` are there ("async", "def", "missing", "other"): a
        self-report, to name a mistake (`expected`: what the lesson asks for)."""
        answer = self._request({"op": "kinds", "names": names, "expected": expected})
        self._fail_if_refused(answer)
        kinds = answer.get("kinds")
        return {name: str(kinds.get(name)) for name in names} if isinstance(kinds, dict) else {}

    def call(self, function: str, *args: Any, coroutine: bool, call: str = "", limit: float = 120.0,
             thread: str = "main", spy_clocks: bool = False, watch: tuple[str, ...] = (),
             heartbeat: float | None = None, spin_rounds: int | None = None,
             spy_pools: bool = False, value_at_return: bool = False,
             stand_ins: dict[str, Handed] | None = None,
             server: Handed | None = None, session: Handed | None = None,
             spy_loop: bool = False, spy_queues: bool = False,
             tasks_at_return: bool = False,
             turns: Turns | None = None, on_end: Callable[[], None] | None = None,
             on_still: Callable[[], None] | None = None,
             processes: Any = None) -> Run:
        """Call the student's `function` with `args` (plain data, `Handed` objects, and
        `wire.CallRef`s: the coroutine of a handed object's async method) there:
        a coroutine function on a fresh event loop of the judge's clock, at most `limit`
        simulated seconds; a plain function directly (`thread="new"`: from a new thread).
        `spy_pools`: the submission reports the thread pools made (`report["pools"]`: each
        one's max_workers and line), a self-report to name a pool too small. `value_at_return`:
        the value is read the moment the coroutine returns, and the tasks still running then
        are reported (`report["running_at_return"]`). `stand_ins`: module functions replaced
        there, for this check, by the method of the same name of a `Handed` (the judge's
        working version), so that one function is graded alone. `server`: every aiohttp request
        made there during the call is a call of its `request` (graders/probes/server.py);
        `session` (with `server`): the first argument is a ClientSession opened there around
        the call, whose requests call `session.request`. Self-reports a coroutine call may add:
        `spy_loop` (as for a scenario), `spy_queues` (`queue_waits`: an asyncio.Queue's state
        when a join() or put() waiting on it was stopped), `tasks_at_return` (`left_at_return`:
        the tasks still pending at the moment the coroutine returned, before any other ran).
        A coroutine call may also have `turns` (an observer task counting the turns other tasks
        get, `Turns`) and `on_end` (called when the runtime says the student's coroutine ended,
        `Ended`). `on_still` is called each time both sides are still (the submission idle, the
        world with nothing to do) before the clock moves or the run is found stuck: the state an
        instant settled on, not the steps on the way to it (judge-side evidence). `processes`:
        the run hands work to worker processes, and this world object
        (graders/probes/workers.py `Workers`, one of the arguments) serves their calls: it is
        opened before the call and told its end with the Run."""
        if processes is not None:
            processes.open(self)
        try:
            return self._call(function, *args, coroutine=coroutine, call=call, limit=limit,
                              thread=thread, spy_clocks=spy_clocks, watch=watch,
                              heartbeat=heartbeat, spin_rounds=spin_rounds, spy_pools=spy_pools,
                              value_at_return=value_at_return, stand_ins=stand_ins,
                              server=server, session=session, spy_loop=spy_loop,
                              spy_queues=spy_queues, tasks_at_return=tasks_at_return,
                              turns=turns, on_end=on_end, on_still=on_still, processes=processes)
        finally:
            self.on_note = None
            if processes is not None:
                processes.close(self)

    def _call(self, function: str, *args: Any, coroutine: bool, call: str, limit: float,
              thread: str, spy_clocks: bool, watch: tuple[str, ...], heartbeat: float | None,
              spin_rounds: int | None, spy_pools: bool, value_at_return: bool,
              stand_ins: dict[str, Handed] | None, server: Handed | None,
              session: Handed | None, spy_loop: bool, spy_queues: bool, tasks_at_return: bool,
              turns: Turns | None, on_end: Callable[[], None] | None,
              on_still: Callable[[], None] | None, processes: Any) -> Run:
        request: dict[str, Any] = {"op": "call", "function": function, "coroutine": coroutine,
                                   "args": self._encode(list(args)), "limit": limit,
                                   "thread": thread, "spy_clocks": spy_clocks,
                                   "watch": list(watch), "spy_loop": spy_loop,
                                   "spy_queues": spy_queues, "tasks_at_return": tasks_at_return}
        if stand_ins:
            request["stand_ins"] = {name: self._number_of(handed) for name, handed in stand_ins.items()}
        self._serve_with(request, server, session)
        request["handles"] = self._shapes()
        if spin_rounds is not None:
            request["spin_rounds"] = spin_rounds
        if spy_pools:
            request["spy_pools"] = True
        if value_at_return:
            request["at_return"] = True
        if turns is not None:
            request["turns"] = {"observer": self._encode(turns),
                                "after": [self._number_of(turns.watching)]}
        if on_end is not None:
            request["ended"] = self._encode(Ended(on_end))
        if turns is not None or on_end is not None:
            request["handles"] = self._shapes()
        beats = Heartbeat(heartbeat) if heartbeat else None
        if beats is not None:
            request["heartbeat"] = self._encode(beats)
            request["handles"] = self._shapes()
        if processes is not None:
            request["processes"] = processes.options()
            self.on_note = processes.note
        assert self.loop is not None or self.sock is None
        started = self.loop.now if self.loop is not None else 0.0
        answer = self._request(request, limit_at=started + limit + _SLACK, on_still=on_still)
        self._fail_if_refused(answer)
        assert self.loop is not None
        run = self._run(call or function, answer, self.loop.now - started)
        if beats is not None:
            run.stall, run.heartbeat = beats.longest_stall(started, self.loop.now), beats
        if processes is not None:
            processes.ended(self, run)
        return run

    def scenario(self, script: Callable[[Remote], Awaitable[Any]], *, call: str, limit: float = 120.0,
                 spy_loop: bool = False, heartbeat: float | None = None,
                 spin_rounds: int | None = None,
                 stand_ins: dict[str, tuple[Handed, str]] | None = None,
                 spy_clocks: bool = False, server: Handed | None = None) -> Run:
        """Run `script` on the judge's loop while the submission's loop does what it commands
        (`Remote`: start the student's coroutine as a task, cancel it, wait for it, let the loop
        turn, call a callback the student's code handed the world). The Run's value is what the
        script returned; its reports are of the whole run. `stand_ins`: module functions the
        student's code calls by name, replaced there for this run by a handed object's method
        (`{"worker1": (world, "worker1")}`): the judge's own version of them runs instead."""
        request: dict[str, Any] = {"op": "call", "scenario": True, "limit": limit,
                                   "spy_loop": spy_loop}
        if spy_clocks:
            request["spy_clocks"] = True
        self._serve_with(request, server, None)
        if spin_rounds is not None:
            request["spin_rounds"] = spin_rounds
        if stand_ins:
            request["stand_ins"] = {name: [self._number_of(handed), method]
                                    for name, (handed, method) in stand_ins.items()}
        beats = Heartbeat(heartbeat) if heartbeat else None
        if beats is not None:
            request["heartbeat"] = self._encode(beats)
        request["handles"] = self._shapes()
        started = self.loop.now if self.loop is not None else 0.0
        box: dict[str, Any] = {}
        answer = self._request(request, limit_at=started + limit + _SLACK,
                               script=lambda: self._script(script, box))
        self._fail_if_refused(answer)
        assert self.loop is not None
        if "failure" in box:
            raise box["failure"]
        run = self._run(call, answer, self.loop.now - started)
        run.value = box.get("value")
        if beats is not None:
            run.stall, run.heartbeat = beats.longest_stall(started, self.loop.now), beats
        return run

    def _serve_with(self, request: dict[str, Any], server: Handed | None,
                    session: Handed | None) -> None:
        """The options that route the run's aiohttp requests to a world server."""
        if server is not None:
            request["server"] = self._encode(server)
            if session is not None:
                request["session"] = self._encode(session)

    async def _script(self, script: Callable[[Remote], Awaitable[Any]], box: dict[str, Any]) -> None:
        try:
            box["value"] = await script(Remote(self))
        except Fail as failure:
            box["failure"] = failure
        finally:
            if self.talk is not None:
                self.command_nowait({"op": "finish"})

    async def command(self, message: dict[str, Any]) -> dict[str, Any]:
        """Send a scenario command; what came of it (the submission's word)."""
        talk, loop = self.talk, self.loop
        assert talk is not None and loop is not None
        number = next_command()
        future: asyncio.Future[dict[str, Any]] = loop.create_future()
        talk.waiting[number] = future
        talk.commands.append({**message, "id": number, "handles": self._shapes()})
        return await future

    def command_nowait(self, message: dict[str, Any]) -> None:
        if self.talk is not None:
            self.talk.commands.append({**message, "id": next_command()})

    def encode(self, value: Any) -> Any:
        return self._encode(value)

    def done_of(self, answer: dict[str, Any]) -> Done:
        """A command's result, rebuilt from what the submission said."""
        done = Done()
        state, thread, task = answer.get("state"), answer.get("thread"), answer.get("task")
        done.state = state if type(state) is str else ""
        done.thread = thread if type(thread) is str else ""
        done.task = task if type(task) is int else 0
        waiting = _pendings([answer.get("where")])
        done.waiting = waiting[0] if waiting else None
        failed = answer.get("failed")
        if type(failed) is str:
            done.failed, done.location = failed, _location(answer.get("location"))
        try:
            if "error" in answer:
                done.raised = wire.decode_error(answer["error"])
            elif "value" in answer:
                done.value = self._decode(answer["value"])
        except wire.WireError:
            done.failed = "broke the grading protocol (an unreadable value)."
        return done

    def definition_of(self, name: str) -> Location | None:
        """Where the student's file defines `name` (read from its text: nothing of it runs here)."""
        if self._definitions is None:
            self._definitions = _definitions(self.path)
        return self._definitions.get(name)

    # --- the conversation -------------------------------------------------------------------

    def _request(self, message: dict[str, Any], limit_at: float | None = None,
                 script: Callable[[], Awaitable[None]] | None = None,
                 on_still: Callable[[], None] | None = None) -> dict[str, Any]:
        if self._gone:
            return {"op": "broken", "why": self._gone}
        if self.sock is None:
            self._start()
        assert self.loop is not None and self.sock is not None
        talk = self.talk = _Conversation(self)
        talk.limit_at, talk.on_still, talk.started = limit_at, on_still, self.loop.now
        talk.answer = self.loop.create_future()
        message["now"] = self.loop.now
        scripted = self.loop.create_task(script()) if script is not None else None
        try:
            self._send(message)
            answer = self.loop.run_until_complete(talk.answer)
            self._note_prints(answer)
            if scripted is not None and not scripted.done():
                scripted.cancel()  # the submission's run ended first (its limit, a spin)
                self.loop.run_until_complete(asyncio.wait([scripted]))
            return answer
        except _OverLimit as error:
            stop = self._ask_where()
            self._give_up(_over_limit_message(stop, str(error)))
            return {"op": "broken", "why": self._gone, "hung": True,
                    "location": [stop.location.file, stop.location.line]
                    if stop is not None and stop.location is not None else None}
        except Broken as error:
            self._give_up(str(error))
            return {"op": "broken", "why": self._gone}
        except Deadlock as error:
            error.stop = self._ask_where()  # type: ignore[attr-defined]
            self._give_up("Your code was stopped earlier in this check: it waited for ever.")
            raise
        except BaseException as error:  # the check's time limit: the submission is stopped with it
            error.stop = self._ask_where()  # type: ignore[attr-defined]
            self._give_up("Your code was stopped earlier in this check: it did not finish in time.")
            raise
        finally:
            self.talk = None

    def _send(self, message: dict[str, Any]) -> None:
        assert self.sock is not None
        try:
            wire.send(self.sock, message)
        except OSError:
            raise Broken(self._exit_text()) from None

    def listen(self) -> None:
        """Take one message from the submission (it is busy: the judge waits for it), unless
        another of the judge's own sockets is ready first (a worker process's call of func, see
        graders/probes/workers.py): then the loop serves that and comes back."""
        assert self.sock is not None and self.talk is not None and self.loop is not None
        others = self.loop.side_channels()
        if others and not self._inbox:  # (a batch's next message is here already)
            ready, _, _ = select.select([self.sock, *others], [], [])
            if self.sock not in ready:
                return
        try:
            message = self._next_message()
        except wire.Closed:
            raise Broken(self._exit_text()) from None
        except (wire.WireError, OSError) as error:
            raise Broken(f"Your code broke the grading protocol ({error}).") from None
        try:
            self._take(message)
        except (wire.WireError, KeyError, TypeError, ValueError) as error:
            raise Broken(f"Your code broke the grading protocol ({type(error).__name__}).") from None

    def _next_message(self) -> dict[str, Any]:
        """The submission's next message (those of a batch one at a time, as if each had come
        alone: the judge's loop turns between them)."""
        assert self.sock is not None
        if not self._inbox:
            self._inbox.extend(wire.unbatch(wire.receive(self.sock)))
        return self._inbox.popleft()

    def _note_prints(self, message: dict[str, Any]) -> None:
        """What the student's code printed, as its process says: shown to the student under the
        check as their own output (recorded with the check's result; it decides nothing)."""
        printed = message.get("printed")
        if type(printed) is str and printed and len(self.printed) < PRINTS_SHOWN:
            self.printed = (self.printed + printed)[:PRINTS_SHOWN]
            record(printed=self.printed)

    def _take(self, message: dict[str, Any]) -> None:
        talk, loop = self.talk, self.loop
        assert talk is not None and loop is not None and talk.answer is not None
        op = message["op"]
        if op == "idle":
            until = message.get("until")
            if until is not None and type(until) not in (int, float):
                raise wire.WireError("a deadline that is not a number")
            talk.idle, talk.until = True, None if until is None else max(float(until), loop.now)
        elif op == "invoke":
            self._invoked(message)
        elif op == "cancel":
            task = self._serving.pop(message["id"], None)
            if task is not None:
                task.cancel()
        elif op == "result":
            waiting = talk.waiting.pop(message["id"], None)
            if waiting is not None and not waiting.done():
                waiting.set_result(message)
        elif op == "note":  # a self-report while the call runs, for the world that asked for it
            if self.on_note is not None:
                self.on_note(message)
        elif op in ("done", "failed"):
            talk.idle = False
            if not talk.answer.done():
                talk.answer.set_result(message)
        else:
            raise wire.WireError(f"an unknown operation {op!r}")

    def _invoked(self, message: dict[str, Any]) -> None:
        assert self.loop is not None
        number, method = message["handle"], message["method"]
        handed = self.handles.get(number) if type(number) is int else None
        call_id = message["id"]
        if type(call_id) is not int:
            raise wire.WireError("a call without a number")
        args = self._decode(message.get("args", []))
        kwargs = self._decode(message.get("kwargs", {"$": "dict", "v": []}))
        if not isinstance(args, list) or not isinstance(kwargs, dict) or \
                not all(type(key) is str for key in kwargs):
            raise wire.WireError("arguments that are not a list and a dict")
        call = Call(str(method), str(message.get("thread", "")), message.get("on_loop") is True,
                    message.get("task") if type(message.get("task")) is str else None,
                    self.loop.now)
        self.calls.append(call)
        if handed is None or type(method) is not str or method not in handed.methods:
            self._reply(call_id, error=AttributeError(f"no method {method!r}"))
            return
        notify = message.get("notify") is True
        tidy = handed.methods[method] == "tidy"  # the world's own word on its method
        self._serving[call_id] = self.loop.create_task(
            self._serve(call_id, getattr(handed, method), call, args, kwargs, notify, tidy))

    async def _serve(self, call_id: int, method: Callable[..., Any], call: Call, args: list[Any],
                     kwargs: dict[str, Any], notify: bool = False, tidy: bool = False) -> None:
        try:
            value = await method(call, *args, **kwargs)
        except asyncio.CancelledError:
            if tidy:  # the cancelled caller waits until the method has ended: tell it now
                self._reply(call_id, error=asyncio.CancelledError())
            return  # the student's code cancelled its call: nobody else waits for a reply
        except Exception as error:  # noqa: BLE001 - the world's answer is an exception
            if not notify:
                self._reply(call_id, error=error)
            return
        finally:
            self._serving.pop(call_id, None)
        if not notify:
            self._reply(call_id, value=value)

    def _reply(self, call_id: int, value: Any = None, error: BaseException | None = None) -> None:
        if self.talk is None:
            return
        reply: dict[str, Any] = {"id": call_id}
        if error is not None:
            reply["error"] = wire.encode_error(error, f"{type(error).__name__}: {error}")
            reply["error"]["args"] = [self._encode(arg) for arg in error.args]
        else:
            reply["value"] = self._encode(value)
            reply["handles"] = self._shapes()
        self.talk.outbox.append(reply)

    def wake(self) -> None:
        """Tell the idle submission the time, with the world's replies."""
        talk, loop = self.talk, self.loop
        assert talk is not None and loop is not None
        replies, talk.outbox = talk.outbox, []
        commands, talk.commands = talk.commands, []
        talk.idle, talk.until = False, None
        self.wakes += 1
        self._send({"op": "wake", "now": loop.now, "replies": replies, "commands": commands})

    def deadlocked(self) -> None:
        """The submission said it is idle with no deadline, and the world has nothing to do:
        nothing can ever happen again (a thread of it waits with no timeout for what no thread
        can bring). The check reports the hang at once, as the time limit would have."""
        raise Deadlock("the submission's process can never go on")

    def _ask_where(self) -> Stop | None:
        """Where the student's code is, as its process says when asked (for the message only)."""
        if self.process is None or self.sock is None or not self.process.ask_where():
            return None
        try:
            self.sock.settimeout(WHERE_PATIENCE)
            while True:
                message = self._next_message()
                if message.get("op") == "where":
                    self._note_prints(message)
                    return _stop(message)
        except (OSError, wire.WireError):
            return None
        finally:
            if self.sock is not None:
                self.sock.settimeout(None)

    def over_limit(self) -> None:
        talk = self.talk
        if talk is not None and talk.until is not None and talk.limit_at is not None \
                and talk.until > talk.limit_at:  # its own wait, not the world's: say how long
            raise _OverLimit(f"Your code asked to wait {talk.until - talk.started:,.6g} s of "
                             f"simulated time (an asyncio.sleep or a timeout that long), far past "
                             f"what this check allows.")
        raise _OverLimit("Your code had not finished long after its limit in simulated time.")

    def _give_up(self, why: str) -> None:
        self._gone = why
        if self.process is not None:
            self.process.end()
            self.process = None
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def _exit_text(self) -> str:
        status = self.process.reap() if self.process is not None else None
        self.process = None
        if status is not None and status & 0x7F:  # ended by a signal (os.WIFSIGNALED, portably)
            number = status & 0x7F
            fault = " (a segmentation fault)" if number == signal.SIGSEGV else ""
            return (f"Your code crashed: its process was killed by {signal.Signals(number).name}"
                    f"{fault}. It may have crashed the interpreter or run out of memory.")
        code = status >> 8 if status is not None else None
        return (f"Your code's process exited with status {code} before it returned: it may have "
                f"called os._exit() or sys.exit(), crashed the interpreter or run out of memory. "
                f"Exercise code must return its result.")

    # --- values -------------------------------------------------------------------------------

    def _encode(self, value: Any) -> Any:
        return wire.encode(value, self._number_of)

    def _number_of(self, value: object) -> int | None:
        if not isinstance(value, Handed):
            return None
        for number, handed in self.handles.items():
            if handed is value:
                return number
        number = len(self.handles) + 1
        self.handles[number] = value
        return number

    def _shapes(self) -> dict[str, Any]:
        return {str(number): handed.shape() for number, handed in self.handles.items()}

    def _decode(self, data: Any) -> Any:
        return _with_handles(wire.decode(data), self.handles)

    def _fail_if_refused(self, answer: dict[str, Any]) -> None:
        if answer.get("op") == "failed":
            message = answer.get("message")
            raise Fail(message if type(message) is str else "Your file could not be graded.",
                       _location(answer.get("location")))
        if answer.get("op") == "broken":
            raise Fail(str(answer["why"]), _location(answer.get("location")),
                       status="failed" if answer.get("hung") else "error")

    def _run(self, call: str, answer: dict[str, Any], elapsed: float) -> Run:
        report = answer.get("report") if isinstance(answer.get("report"), dict) else {}
        run = Run(call=call, elapsed=elapsed, report=report)
        if "error" in answer:
            try:
                run.raised = wire.decode_error(answer["error"])
            except wire.WireError:
                run.broken = "your code broke the grading protocol (an unreadable exception)."
        else:
            try:
                run.value = self._decode(answer.get("value"))
            except wire.WireError:
                run.broken = "your code broke the grading protocol (an unreadable value)."
        run.spun, run.timed_out = report.get("spun") is True, report.get("timed_out") is True
        limit = report.get("limit")
        run.limit = float(limit) if type(limit) in (int, float) else 0.0
        rounds = report.get("spin_rounds")
        run.spin_rounds = rounds if type(rounds) is int else run.spin_rounds
        run.stuck = _pendings(report.get("stuck"))
        asked = report.get("asked_for")
        run.asked_for = float(asked) if type(asked) in (int, float) else None
        run.leftover_tasks = _pendings(report.get("leftover_tasks"))
        run.unawaited_tasks = _pendings(report.get("unawaited_tasks"))
        run.never_awaited = _leaks(report.get("never_awaited"))
        run.unretrieved = _leaks(report.get("unretrieved"))
        return run


def _with_handles(value: Any, handles: dict[int, Handed]) -> Any:
    if isinstance(value, wire.HandleRef):
        return handles.get(value.number, wire.Opaque("object", "object", "an unknown object"))
    if isinstance(value, list):
        return [_with_handles(item, handles) for item in value]
    if isinstance(value, tuple):
        return tuple(_with_handles(item, handles) for item in value)
    if isinstance(value, dict):
        return {key: _with_handles(item, handles) for key, item in value.items()}
    return value


def _over_limit_message(stop: Stop | None, why: str) -> str:
    """What a run that would wait long past its limit was doing, as the submission says."""
    where = stop.location if stop is not None else None
    if stop is None or where is None:
        return why
    if stop.loop_blocked and stop.function:
        return (f"The event loop was blocked: {stop.doing} "
                f"({where.file}, line {where.line}), a call that would have held it long after "
                f"the call's limit in simulated time: the check stopped it at once. While a coroutine runs "
                f"without reaching an await, no other task runs and the loop's clock stands "
                f"still. {stop.advice()}")
    return f"{why} It was at {where.file} line {where.line} (`{stop.code}`)."


def _definitions(path: Path) -> dict[str, Location]:
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    known = _DEFINED.get(path)
    if known is not None and known[0] == data:  # every check of an exercise asks: parse once
        return known[1]
    try:
        tree = ast.parse(data)
    except (SyntaxError, ValueError):
        return {}
    found = {node.name: Location(path.name, node.lineno) for node in tree.body
             if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)}
    _DEFINED[path] = (data, found)
    return found


_DEFINED: dict[Path, tuple[bytes, dict[str, Location]]] = {}
