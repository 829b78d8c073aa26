"""Checks for exercise 5: worker2 waits on an Event that worker1 sets; main runs both at once.

The student's code runs in a process of its own. The event and the log the workers are given
are the judge's (`Signal`, `Log`): each set, wait, is_set and append is a message, and the
judge stamps it with its own clock, so it sees when the event was set, when each entry was
logged, and how often a waiter looked at the event. main makes its own Event and list, so to
grade main on its own the judge stands in for the workers: main's calls of worker1 and worker2
run the judge's versions, which act on the very Event and list main gave them (handed over by
reference) through commands to the submission's loop. Evidence each check passes on is in
EVIDENCE; what the submission's side reports (a time.sleep, a coroutine never awaited, tasks left
running, the timers its code set) can only cost points.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, ClassVar

from graders.check import Fail, check, expect, expect_done_when_needed
from graders.probes import InFlight
from graders.probes import inputs as rand
from graders.probes.judge import Call, Handed, Remote, Run, Submission
from graders.probes.loop import Pending
from graders.probes.values import shown
from graders.results import Location
from graders.trust import wire

HINTS = {
    "worker1_works_then_sets_the_event": (
        "worker1: a non-blocking sleep for its work, then the log entry, then set the event - in "
        "that order, so whoever wakes up finds worker1's entry already there.",
        "Awaited asyncio.sleep for the work, not time.sleep (that freezes the loop) and not "
        "asyncio.sleep without await (no time passes). Nothing awaited may come between the log "
        "entry and setting the event.",
    ),
    "worker2_waits_for_the_event": (
        "worker2 must not log before the event is set, and it must really wait: an asyncio.Event "
        "has a method that suspends the coroutine until someone sets it - awaited.",
    ),
    "worker2_wakes_up_at_once": (
        "worker2 should not look at the event again and again (with or without sleeps in "
        "between, or with short timeouts): that wakes it late, or keeps it busy. One await of "
        "the event's own wait method wakes it the moment the event is set.",
    ),
    "main": (
        "main: both workers must be started before either is awaited, and both need the same "
        "Event and the same list, made anew in each call of main.",
        "In main, hand both worker coroutines to something that runs them side by side - gather, "
        "create_task or a TaskGroup - and wait for both before you return the log.",
    ),
    "workers_work_together": (
        "main is also graded with other workers than yours: it must pass its one Event and its "
        "one list to both, start both, and wait until both are done - whichever finishes first.",
    ),
}

# Evidence each check's pass rests on: what the judge saw itself.
EVIDENCE = {
    "worker1_works_then_sets_the_event": "the judge's event set at the end of the work on the "
                                         "judge's clock, the judge's log holding worker1's entry "
                                         "before the submission's loop turned after the set, the "
                                         "time worker1 took, and a heartbeat never held up",
    "worker2_waits_for_the_event": "the judge's log empty until the judge set its event, and "
                                   "worker2's entry in it afterwards",
    "worker2_wakes_up_at_once": "worker2's entry logged at the moment the judge set its event "
                                "(the judge's clock), and fewer than 3 looks at the event while "
                                "it waited",
    "main_runs_both_workers_at_once": "the judge's stand-in workers, called by main: the same "
                                      "Event and list handed to both, worker2 waiting while "
                                      "worker1 worked (the judge's clock), both done before main "
                                      "returned the list they wrote, and a fresh Event and list "
                                      "in a second call",
    "workers_work_together": "the list main returned, rebuilt as plain data, and the simulated "
                             "time main took on the judge's clock (worker1's work, no less and "
                             "no more)",
}

W1, W2 = "worker1 done", "worker2 done"
# Added to the moment the checks set the event, so that it never falls on the beat of a polling
# loop (sleeping 0.1 s, 0.01 s, 1 ms...): a poller then always notices it measurably late.
OFF_BEAT = 0.00037
# Loop time is kept in microseconds; anything later than this is late.
EPSILON = 1e-6
# A correct run needs a handful of loop rounds at one moment of loop time; 10,000 still rounds
# mean a busy loop.
SPIN_ROUNDS = 10_000
# Looks at the event (wait, is_set) by worker2 while it waits: this many or more is polling.
POLL_TIMERS = 3
# Simulated seconds between the heartbeat's beats (worker1 works 1 to 4 s).
BEAT = 0.25
# Looks at the event at one moment of the judge's clock that mean a busy loop (a correct worker2
# looks once or twice; each look is a message the judge answers).
SPIN_LOOKS = 500


class Signal(Handed):
    """The asyncio.Event a worker is given: every set, wait and is_set is the judge's to see,
    stamped with its clock. `set` answers only once the judge has had it: so the judge can ask
    the submission's loop for a mark from its next turn, to learn what the code that set the
    event did before it let anything else run."""

    name: ClassVar[str] = "Event"
    methods: ClassVar[dict[str, str]] = {"wait": "async", "set": "query", "is_set": "query",
                                         "clear": "notify"}

    def __init__(self) -> None:
        self._flag: asyncio.Event | None = None
        self.set_at: float | None = None
        self.looks: list[tuple[str, float]] = []
        self.remote: Remote | None = None
        self.log: Log | None = None
        self.log_at_turn: list[Any] | None = None  # the log when the loop next turned after set
        self._marks: list[asyncio.Task[None]] = []
        self.spinning: asyncio.Future[int] | None = None  # set when a waiter looks too often

    def _look(self, method: str, at: float) -> None:
        self.looks.append((method, at))
        still = sum(1 for _, when in self.looks if when == at)
        if still >= SPIN_LOOKS and self.spinning is not None and not self.spinning.done():
            self.spinning.set_result(still)

    @property
    def flag(self) -> asyncio.Event:
        if self._flag is None:
            self._flag = asyncio.Event()
        return self._flag

    def fire(self) -> None:
        """The judge sets the event itself."""
        if self.set_at is None:
            self.set_at = asyncio.get_running_loop().time()
        self.flag.set()

    async def set(self, call: Call) -> None:
        first = self.set_at is None
        self.fire()
        if first and self.remote is not None and self.log is not None:
            self._marks.append(asyncio.ensure_future(self._after_set(self.remote, self.log)))

    async def _after_set(self, remote: Remote, log: Log) -> None:
        await remote.mark()
        self.log_at_turn = log.items()

    async def wait(self, call: Call) -> bool:
        self._look("wait", call.at)
        await self.flag.wait()
        return True

    async def is_set(self, call: Call) -> bool:
        self._look("is_set", call.at)
        return self.flag.is_set()

    async def clear(self, call: Call) -> None:
        self.flag.clear()

    def __repr__(self) -> str:
        return "<asyncio.locks.Event [unset]>"


@dataclass(frozen=True)
class Entry:
    item: Any
    at: float
    after_set: bool  # the judge's event was set when the entry came


class Log(Handed):
    """The list a worker is given: each entry added is the judge's to see, with its time."""

    name: ClassVar[str] = "list"
    methods: ClassVar[dict[str, str]] = {"append": "notify", "extend": "notify",
                                         "insert": "notify", "__iadd__": "query"}

    def __init__(self, signal: Signal) -> None:
        self.entries: list[Entry] = []
        self._signal = signal

    def _add(self, call: Call, items: list[Any]) -> None:
        after = self._signal.set_at is not None
        self.entries += [Entry(item, call.at, after) for item in items]

    async def append(self, call: Call, item: Any = None) -> None:
        self._add(call, [item])

    async def extend(self, call: Call, items: Any = ()) -> None:
        self._add(call, list(items) if isinstance(items, list | tuple) else [items])

    async def insert(self, call: Call, index: Any = 0, item: Any = None) -> None:
        self._add(call, [item])

    async def __iadd__(self, call: Call, items: Any = ()) -> Log:
        await self.extend(call, items)
        return self

    def items(self) -> list[Any]:
        return [entry.item for entry in self.entries]

    def when_logged(self, item: str) -> float | None:
        return next((entry.at for entry in self.entries if entry.item == item), None)

    def __repr__(self) -> str:
        return "[]"


def _world() -> tuple[Signal, Log]:
    signal = Signal()
    log = Log(signal)
    signal.log = log
    return signal, log


def _require_awaited(run: Run, call: str, where: Location | None) -> None:
    """Name a coroutine the student made and never awaited (`event.wait()` without `await`;
    reported by the submission: it can only cost points)."""
    if not run.never_awaited:
        return
    leak = run.never_awaited[0]
    # A method of the judge's event or log, as the student's code spells it.
    text = (f"event.{leak.text}" if leak.text.removesuffix("()") in Signal.methods
            else leak.text)
    raise Fail(f"{call} called {text} without awaiting it: calling a coroutine function only "
               f"creates a coroutine object, and nothing in it runs (nothing waits or sleeps) "
               f"until it is awaited.", leak.location or where)


def _work() -> float:
    return rand.delay(1.0, 4.0)


@dataclass
class Task:
    """A coroutine of the student's run as a task by the judge's script, as the judge saw it."""

    started: float = 0.0
    ended: float | None = None
    done: Any = None


async def _run_task(remote: Remote, task: Task, function: str, *args: Any,
                    limit: float = 60.0, on_return: Any = None) -> None:
    loop = asyncio.get_running_loop()
    task.started = loop.time()
    started = await remote.start(function, *args, value_at_return=True)
    if not started.task:
        task.done = started
        return
    done = await remote.wait(started.task, limit)
    task.done = done
    if done.state != "pending":
        task.ended = loop.time()
        if on_return is not None:
            on_return()


@check("worker1 works without blocking, logs, then sets the event", points=2)
def test_worker1_works_then_sets_the_event(submission: Submission) -> None:
    work = _work()
    signal, log = _world()
    call = f"worker1(event, log, {work})"
    task = Task()

    async def script(remote: Remote) -> None:
        signal.remote = remote
        await _run_task(remote, task, "worker1", signal, log, work, limit=work + 60)
        await asyncio.gather(*signal._marks)

    run = submission.scenario(script, call=call, limit=work + 60, heartbeat=BEAT,
                              spin_rounds=SPIN_ROUNDS)
    run.result(call)
    where = submission.definition_of("worker1")
    _require_done(task, call, where)
    if run.blocking:
        raise Fail(run.blocking_message(), run.blocking_location())
    _require_awaited(run, call, where)
    if run.stall > EPSILON:
        raise Fail(run.stall_message(call), where)
    if signal.set_at is None:
        raise Fail(f"{call} returned without ever setting the event: worker2, waiting for it, "
                   f"would never be woken.", where)
    set_at = signal.set_at - task.started
    if set_at < work - EPSILON:
        raise Fail(f"{call} set the event at {set_at:.1f} s of simulated time, before its "
                   f"{work} s of work was done: worker2 would go on while worker1 is still "
                   f"working.", where)
    expect(log.items() == [W1], f"{call} left the log as {log.items()!r}; expected [{W1!r}].", where)
    saw = signal.log_at_turn
    expect(saw is not None and W1 in saw,
           f"{call} set the event before appending {W1!r}: a coroutine waiting for the event "
           f"woke up and found the log {saw!r}. Whoever the event wakes must find "
           f"worker1's entry already in the log.", where)
    elapsed = (task.ended or 0.0) - task.started
    expect(abs(elapsed - work) < EPSILON,
           f"{call} took {elapsed:.1f} s of simulated time; its work takes {work} s.", where)
    run.require_clean(call)


def _require_not_raised(task: Task, call: str, where: Location | None) -> None:
    """What the student's coroutine raised, if it raised (not written yet, an error)."""
    done = task.done
    if done is not None and (done.failed or done.raised is not None):
        _require_done(task, call, where)


def _require_done(task: Task, call: str, where: Location | None) -> None:
    """The task the script started returned (the judge waited for it): what came of it."""
    done = task.done
    if done is None:
        raise Fail(f"{call} never returned.", where)
    if done.failed:
        raise Fail(done.failed, done.location or where)
    if done.raised is not None:
        from graders.probes.judge import describe_raised

        raise Fail(describe_raised(call, done.raised),
                   Location(*done.raised.location) if done.raised.location else where)
    if done.state in ("pending", "cancelled"):
        raise Fail(f"{call} had not returned after the time it was given: it waits for "
                   f"something that never happens (a deadlock).", where)


@dataclass
class Waiting:
    """worker2 run on its own: the judge sets the event at `set_at` and watches what it does."""

    set_at: float = field(default_factory=lambda: _work() + OFF_BEAT)
    signal: Signal = field(default_factory=Signal)
    log: Log = field(init=False)
    task: Task = field(default_factory=Task)
    done_before_set: bool = False
    log_before_set: list[Any] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.log = Log(self.signal)

    async def drive(self, remote: Remote) -> None:
        loop = asyncio.get_running_loop()
        started = await remote.start("worker2", self.signal, self.log)
        self.task.started = loop.time()
        if not started.task:
            self.task.done = started
            return
        self.signal.spinning = asyncio.get_running_loop().create_future()
        await asyncio.wait([self.signal.spinning, asyncio.ensure_future(asyncio.sleep(self.set_at))],
                           return_when=asyncio.FIRST_COMPLETED)
        if self.signal.spinning.done():
            raise Fail(f"{CALL2} kept the event loop busy without ever waiting: it looked at the "
                       f"event {self.signal.spinning.result():,} times while the clock stood "
                       f"still. Look for a loop that polls with `await asyncio.sleep(0)` instead "
                       f"of awaiting what it waits for.")
        state = await remote.state(started.task)
        if state.state == "raised":
            self.task.done = state
            return
        self.done_before_set = state.state not in ("pending", "")
        self.log_before_set = self.log.items()
        self.signal.fire()
        done = await remote.wait(started.task, 60)
        self.task.done = done
        if done.state != "pending":
            self.task.ended = loop.time()

    def looks_before_set(self) -> int:
        return sum(1 for _, at in self.signal.looks
                   if self.signal.set_at is None or at <= self.signal.set_at)


CALL2 = "worker2(event, log)"


def _watch_worker2(submission: Submission) -> tuple[Waiting, Run]:
    waiting = Waiting()
    run = submission.scenario(waiting.drive, call=CALL2, limit=waiting.set_at + 60,
                              spin_rounds=SPIN_ROUNDS, spy_loop=True)
    run.result(CALL2)
    _require_not_raised(waiting.task, CALL2, submission.definition_of("worker2"))
    _require_awaited(run, CALL2, submission.definition_of("worker2"))
    return waiting, run


@check("worker2 waits for the event before it logs", points=2)
def test_worker2_waits_for_the_event(submission: Submission) -> None:
    waiting, run = _watch_worker2(submission)
    where = submission.definition_of("worker2")
    if waiting.log_before_set:
        raise Fail(f"{CALL2} appended {waiting.log_before_set!r} before the event was set (the "
                   f"event was set after {waiting.set_at:.1f} s): worker2 must wait for the "
                   f"event first.", where)
    if waiting.done_before_set:
        raise Fail(f"{CALL2} returned before the event was set (after {waiting.set_at:.1f} s): "
                   f"it must wait for the event, then log.", where)
    _require_done(waiting.task, CALL2, where)
    entries = waiting.log.entries
    expect(waiting.log.items() == [W2] and all(entry.after_set for entry in entries),
           f"{CALL2} left the log as {waiting.log.items()!r}; expected [{W2!r}].", where)
    run.require_clean(CALL2)


def _timers(run: Run) -> list[Location | None]:
    """The timers worker2's own code set while it waited (the submission's report: for the
    message's line only)."""
    found = run.report.get("student_timers")
    return [run.location_of(where) for where in found] if isinstance(found, list) else []


@check("worker2 wakes up the moment the event is set", points=2)
def test_worker2_wakes_up_at_once(submission: Submission) -> None:
    waiting, run = _watch_worker2(submission)
    where = submission.definition_of("worker2")
    set_at, logged_at = waiting.signal.set_at, waiting.log.when_logged(W2)
    if logged_at is None or set_at is None:
        raise Fail(f"{CALL2} never appended {W2!r} to the log.", where)
    late, looks = logged_at - set_at, waiting.looks_before_set()
    timers = [timer for timer in _timers(run) if timer is not None]
    if late < -EPSILON:
        raise Fail(f"{CALL2} appended {W2!r} at {logged_at:.3f} s, before the event was set at "
                   f"{set_at:.3f} s: it must wait for the event.", where)
    polled = (f" Meanwhile it looked at the event {looks} times: it woke up again and again to "
              f"look." if looks >= POLL_TIMERS else "")
    expect(late <= EPSILON,
           f"{CALL2} appended {W2!r} {late:.4g} s after the event was set (set at {set_at:.5f} s, "
           f"logged at {logged_at:.5f} s of simulated time): it noticed the event late, the way a "
           f"loop that checks event.is_set() between sleeps does. Nothing should stand between "
           f"the event being set and worker2 waking up.{polled}", timers[0] if timers else where)
    expect(looks < POLL_TIMERS,
           f"{CALL2} woke up in time, but it looked at the event {looks} times while it waited "
           f"{set_at:.1f} s for it: it polls, waking up again and again to look (a timeout or a "
           f"sleep in a loop). Waiting on the event costs nothing until it is set.",
           timers[0] if timers else where)


class Workers(Handed):
    """worker1 and worker2 as main calls them: the judge's own, correct versions. What main
    passes them crosses by reference, so they act on main's own Event and list (by commands to
    the submission's loop), and the judge sees which objects each got, and when each ran."""

    name: ClassVar[str] = "worker"
    methods: ClassVar[dict[str, str]] = {"worker1": "async", "worker2": "async"}
    by_reference: ClassVar[bool] = True

    def __init__(self, submission: Submission) -> None:
        self._submission = submission
        self.remote: Remote | None = None
        self.in_flight = InFlight()
        self.replied: dict[str, int] = {}  # each worker's call: the judge's wakes when it ended
        self.events: dict[str, Any] = {}
        self.logs: dict[str, Any] = {}
        self.works: list[Any] = []
        self.problems: list[str] = []

    async def worker1(self, call: Call, event: Any = None, log: Any = None, work: Any = None) -> None:
        assert self.remote is not None
        self.events["worker1"], self.logs["worker1"] = event, log
        self.works.append(work)
        async with self.in_flight.track("worker1"):
            await asyncio.sleep(float(work) if type(work) in (int, float) and work > 0 else 0.0)
            await self._act(log, "append", W1)
            await self._act(event, "set")
        self.replied["worker1"] = self._submission.wakes

    async def worker2(self, call: Call, event: Any = None, log: Any = None) -> None:
        assert self.remote is not None
        self.events["worker2"], self.logs["worker2"] = event, log
        async with self.in_flight.track("worker2"):
            if _is_event(event):
                started = await self.remote.start_method(event, "wait")
                if started.task:
                    await self.remote.wait(started.task)
            await self._act(log, "append", W2)
        self.replied["worker2"] = self._submission.wakes

    def running(self) -> list[str]:
        """The workers whose calls had not ended, as main's code sees them: still running here,
        or ended since the judge last woke the submission (the reply has not reached it)."""
        now = self._submission.wakes
        return [label for label in ("worker1", "worker2")
                if label in self.events and self.replied.get(label, now) >= now]

    async def _act(self, kept: Any, method: str, *args: Any) -> None:
        assert self.remote is not None
        if isinstance(kept, wire.Kept):
            done = await self.remote.call_method(kept, method, *args)
            if not done.ok:
                self.problems.append(f"{kept!r}.{method}() failed")
        else:
            self.problems.append(f"{shown(kept)} has no {method}()")

    def __repr__(self) -> str:
        return "worker"


def _is_event(value: Any) -> bool:
    return isinstance(value, wire.Kept) and value.type_name == "Event"


def _type_of(value: Any) -> str:
    if isinstance(value, wire.Kept):
        return value.type_name
    return type(value).__name__


def _same(one: Any, other: Any) -> bool:
    return isinstance(one, wire.Kept) and isinstance(other, wire.Kept) and one.number == other.number


def _require_shared(workers: Workers, call: str, where: Location | None) -> None:
    event = workers.events["worker1"]
    expect(_is_event(event),
           f"{call} passed the workers {_type_of(event)} as the event; it should be an "
           f"asyncio.Event.", where)
    expect(_same(workers.events["worker2"], event)
           and _same(workers.logs["worker2"], workers.logs["worker1"]),
           f"{call} gave worker1 and worker2 different events or different logs: they must share "
           f"one Event and one list to talk to each other.", where)


@dataclass
class Returned:
    """What one call of main did, as the judge saw it: the value it returned, when, and which
    of the judge's stand-in workers were still running at that moment."""

    workers: Workers
    task: Task = field(default_factory=Task)
    running: list[str] = field(default_factory=list)

    @property
    def value(self) -> Any:
        done = self.task.done
        return done.value if done is not None and done.state == "returned" else None

    async def call(self, remote: Remote, work: float) -> None:
        self.workers.remote = remote

        def on_return() -> None:
            self.running = self.workers.running()

        await _run_task(remote, self.task, "main", work, limit=work + 60, on_return=on_return)

    def interval(self, label: str) -> tuple[float, float | None]:
        found = next(item for item in self.workers.in_flight.intervals if item.label == label)
        return found.start, found.end


def _main_with_stand_ins(submission: Submission, work: float, call: str) -> tuple[Returned, Run]:
    returned = Returned(Workers(submission))
    stand_ins = {"worker1": (returned.workers, "worker1"), "worker2": (returned.workers, "worker2")}
    run = submission.scenario(lambda remote: returned.call(remote, work), call=call,
                              limit=work + 60, spin_rounds=SPIN_ROUNDS, stand_ins=stand_ins)
    return returned, run


def _require_finished(returned: Returned, call: str, where: Location | None) -> None:
    """A stand-in worker still running when main returned: main did not wait for the workers."""
    if not returned.running:
        return
    raise Fail(f"{call} returned while {', '.join(returned.running)} was still running; at that "
               f"moment the log it returned was {shown(returned.value)}. main must wait until "
               f"both workers have finished, then return the log.", where)


@check("main runs worker1 and worker2 at the same time and returns the log", points=2)
def test_main_runs_both_workers_at_once(submission: Submission) -> None:
    work = _work()
    call = f"main({work})"
    returned, run = _main_with_stand_ins(submission, work, call)
    workers = returned.workers
    where = submission.definition_of("main")
    if len(workers.events) == 2:  # before a deadlock: different events cause one
        _require_shared(workers, call, where)
    run.result(call)
    _require_not_raised(returned.task, call, where)
    _require_awaited(run, call, where)
    missing = [name for name in ("worker1", "worker2") if name not in workers.events]
    if missing:
        raise Fail(f"{call} never called {' or '.join(missing)}: main must run the two workers "
                   f"the module defines.", where)
    _require_shared(workers, call, where)
    expect(workers.works == [work],
           f"{call} passed worker1 work={workers.works[0]!r}; it should pass on {work}.", where)
    if workers.in_flight.high_water < 2:
        start1, end1 = returned.interval("worker1")
        start2, _ = returned.interval("worker2")
        raise Fail(f"{call} ran worker1 and worker2 one after the other: worker1 ran from "
                   f"{start1 - returned.task.started:.1f} s to "
                   f"{(end1 or start1) - returned.task.started:.1f} s of simulated time and "
                   f"worker2 started only at {start2 - returned.task.started:.1f} s. worker2 "
                   f"should already be waiting while worker1 works.",
                   where, {"timeline": workers.in_flight.timeline()})
    _require_finished(returned, call, where)
    _require_done(returned.task, call, where)
    expect(type(returned.value) is list and returned.value == [W1, W2],
           f"{call} returned {shown(returned.value)}; expected the log the workers wrote, "
           f"{[W1, W2]!r}.", where)
    run.require_clean(call)
    _require_fresh_each_call(submission, returned, work, where)


def _require_fresh_each_call(submission: Submission, first: Returned, work: float,
                             where: Location | None) -> None:
    """main called again, in the same program: its Event and its log must be new ones."""
    work2 = _work()
    call = f"main({work}) and then main({work2})"
    second, _ = _main_with_stand_ins(submission, work2, f"the second call, main({work2}),")
    again = second.workers
    event, log = again.events.get("worker1"), again.logs.get("worker1")
    if event is not None and _same(event, first.workers.events["worker1"]):
        raise Fail(f"{call} gave the workers the same Event both times. It was still set from "
                   f"the first call, so in the second one worker2 did not wait for worker1: that "
                   f"call returned {shown(second.value)}. Every call of main must start with an "
                   f"Event that is not set.", where)
    if log is not None and _same(log, first.workers.logs["worker1"]):
        raise Fail(f"{call} gave the workers the same log list both times: the second call "
                   f"returned {shown(second.value)}, the first call's entries included. Every "
                   f"call of main must start with an empty log.", where)
    expect(second.value == [W1, W2],
           f"{call}: the first call returned {shown(first.value)}, but the second returned "
           f"{shown(second.value)}; every call of main should return {[W1, W2]!r}.", where)


def _running_at_return(run: Run) -> list[Pending]:
    """The tasks the submission reported still running the moment main returned (a self-report:
    it names the mistake; the list returned is what fails it)."""
    found = run.report.get("running_at_return")
    return [Pending(str(item.get("text", "")), run.location_of(item.get("location")))
            for item in found if isinstance(item, dict)] if isinstance(found, list) else []


@check("main with your own workers: worker2 logs right after worker1", points=2)
def test_workers_work_together(submission: Submission) -> None:
    work = _work()
    call = f"main({work})"
    run = submission.call("main", work, coroutine=True, call=call, limit=work + 60,
                          spin_rounds=SPIN_ROUNDS, value_at_return=True)
    value = run.result(call)
    where = submission.definition_of("main")
    _require_awaited(run, call, where)
    running = _running_at_return(run)
    if running:
        raise Fail(f"{call} returned while {', '.join(task.name for task in running)} was still "
                   f"running; at that moment the log it returned was {shown(value)}. main must "
                   f"wait until both workers have finished, then return the log.",
                   running[0].location or where)
    expect(type(value) is list and value == [W1, W2],
           f"{call} returned {shown(value)}; expected {[W1, W2]!r}: worker1 logs when its work "
           f"is done, and worker2 right after it.", where)
    expect(run.elapsed >= work - EPSILON,
           f"{call} returned after {run.elapsed:.1f} s of simulated time, before worker1's "
           f"{work} s of work could be done.", where)
    # The right log is not all: worker2 logs the moment worker1 is done, and main returns then.
    expect_done_when_needed(
        run.elapsed, work,
        f"{call} returned the right log after {run.elapsed:.1f} s of simulated time; worker1's "
        f"work takes {work} s, and worker2 logs the moment it is done", "the work needs", where,
        tolerance=EPSILON)
    run.require_clean(call)
