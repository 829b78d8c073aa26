"""Checks for exercise 5: worker2 waits on an Event that worker1 sets; main runs both at once."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from graders.check import Fail, check, expect
from graders.probes import BlockingSpy, InFlight, Outcome, Solution, run_virtual
from graders.probes import inputs as rand
from graders.probes.handed import handed
from graders.probes.loop import Pending, snapshot
from graders.probes.loopcalls import LoopSpy, spy_on_loop
from graders.results import Location

HINTS = (
    "worker2 should not look at the event again and again (with or without sleeps in between): "
    "an asyncio.Event has a method that suspends the coroutine until someone sets it.",
    "worker1: a non-blocking sleep, then the log entry, then set the event - in that order, so "
    "whoever wakes up finds worker1's entry already there. main: both workers must be started "
    "before either is awaited, and both need the same Event and the same list.",
    "In main, hand both worker coroutines to something that runs them side by side - gather, "
    "create_task or a TaskGroup - and only then wait for them.",
)

W1, W2 = "worker1 done", "worker2 done"
# Added to the moment the checks set the event, so that it never falls on the beat of a polling
# loop (sleeping 0.1 s, 0.01 s, 1 ms...): a poller then always notices it measurably late.
OFF_BEAT = 0.00037
# Loop time is kept in microseconds; anything later than this is late.
EPSILON = 1e-6
# A correct run needs a handful of loop rounds at one moment of loop time; 10,000 still rounds
# mean a busy loop. (The engine's default is 20 times more, which takes seconds on a loaded
# machine - too close to the per-check time limit.)
SPIN_ROUNDS = 10_000
# Loop rounds a waiter gets, after worker1 returns, to wake up and look at the log.
ROUNDS = 20
# Timers set by worker2's own code while it waits: more than this is polling.
POLL_TIMERS = 3
_sleep = asyncio.sleep
_all_tasks = asyncio.all_tasks


def _now() -> float | None:
    loop = asyncio.events._get_running_loop()
    return loop.time() if loop is not None else None


@handed
class TimedLog(list):  # type: ignore[type-arg]
    """A list that remembers the loop time at which each entry was added (privately: student
    code gets it as the log, and only a list's own attributes are public)."""

    def __init__(self) -> None:
        super().__init__()
        self._stamps: list[tuple[float | None, Any]] = []

    def _stamp(self, items: list[Any]) -> None:
        now = _now()
        self._stamps += [(now, item) for item in items]

    def append(self, item: Any) -> None:
        self._stamp([item])
        super().append(item)

    def extend(self, items: Any) -> None:
        items = list(items)
        self._stamp(items)
        super().extend(items)

    def insert(self, index: Any, item: Any) -> None:
        self._stamp([item])
        super().insert(index, item)

    def __iadd__(self, items: Any) -> TimedLog:  # type: ignore[override]
        self.extend(items)
        return self



def when_logged(log: TimedLog, entry: str) -> float | None:
    """The loop time at which `entry` was first added to `log`."""
    return next((at for at, item in log._stamps if item == entry), None)


@handed
class TimedEvent(asyncio.Event):
    """An Event that remembers, privately, when it was first set."""

    def __init__(self) -> None:
        super().__init__()
        self._set_at: float | None = None

    def set(self) -> None:
        if self._set_at is None:
            self._set_at = _now()
        super().set()


def when_set(event: TimedEvent) -> float | None:
    """The loop time at which `event` was first set (None: never)."""
    return event._set_at


def _require_awaited(outcome: Outcome[Any], call: str, where: Location | None) -> None:
    """Name a coroutine the student made and never awaited (`event.wait()` without `await`)."""
    if not outcome.never_awaited:
        return
    leak = outcome.never_awaited[0]
    name = leak.text
    raise Fail(f"{call} called {name} without awaiting it: calling a coroutine function only "
               f"creates a coroutine object, and nothing in it runs (nothing waits or sleeps) "
               f"until it is awaited.", leak.location or where)


@dataclass
class Waiter:
    """A coroutine waiting on the event beside worker1, the way worker2 does: what it finds in
    the log the moment it wakes up."""

    saw: list[str] | None = None

    async def beside(self, worker1: Any, event: asyncio.Event, log: list[str],
                     work: float) -> None:
        async def wait() -> None:
            await event.wait()
            self.saw = list(log)

        waiter = asyncio.create_task(wait())
        try:
            await worker1(event, log, work)
        finally:
            for _ in range(ROUNDS):
                if waiter.done():
                    break
                await _sleep(0)
            waiter.cancel()
            await asyncio.wait([waiter])


def _work() -> float:
    return rand.delay(1.0, 4.0)


@check("worker1 works without blocking, logs, then sets the event", points=2)
def test_worker1_works_then_sets_the_event(solution: Solution, blocking: BlockingSpy) -> None:
    worker1 = solution.function("worker1", coroutine=True)
    work, log, event, waiter = _work(), TimedLog(), TimedEvent(), Waiter()
    call = f"worker1(event, log, {work})"
    outcome = run_virtual(lambda: waiter.beside(worker1, event, log, work), limit=work + 60,
                          spin_rounds=SPIN_ROUNDS)
    outcome.result(call)
    if blocking.calls:
        raise Fail(blocking.message(), blocking.calls[0].location)
    where = solution.definition_of("worker1")
    _require_awaited(outcome, call, where)
    set_at = when_set(event)
    if set_at is None:
        raise Fail(f"{call} returned without ever setting the event: worker2, waiting for it, "
                   f"would never be woken.", where)
    if set_at < work - EPSILON:
        raise Fail(f"{call} set the event at {set_at:.1f} s of simulated time, before its "
                   f"{work} s of work was done: worker2 would go on while worker1 is still "
                   f"working.", where)
    expect(list(log) == [W1], f"{call} left the log as {list(log)!r}; expected [{W1!r}].", where)
    expect(waiter.saw is None or W1 in waiter.saw,
           f"{call} set the event before appending {W1!r}: a coroutine waiting for the event "
           f"woke up and found the log {waiter.saw!r}. Whoever the event wakes must find "
           f"worker1's entry already in the log.", where)
    expect(abs(outcome.elapsed - work) < EPSILON,
           f"{call} took {outcome.elapsed:.1f} s of simulated time; its work takes {work} s.", where)
    outcome.require_clean(call)


@dataclass
class Waiting:
    """worker2 run on its own: the checks set the event at `set_at` and watch what it does."""

    set_at: float = field(default_factory=lambda: _work() + OFF_BEAT)
    log: TimedLog = field(default_factory=TimedLog)
    event: TimedEvent = field(default_factory=TimedEvent)
    done_before_set: bool = False
    log_before_set: list[str] = field(default_factory=list)
    spy: LoopSpy | None = None

    async def drive(self, worker2: Any) -> None:
        with spy_on_loop() as self.spy:
            task = asyncio.create_task(worker2(self.event, self.log))
            await _sleep(self.set_at)
            self.done_before_set = task.done()
            self.log_before_set = list(self.log)
            self.event.set()
            await task

    @property
    def timers(self) -> list[Location]:
        return self.spy.student_timers if self.spy else []


CALL2 = "worker2(event, log)"


def _watch_worker2(solution: Solution) -> tuple[Waiting, Outcome[None]]:
    worker2 = solution.function("worker2", coroutine=True)
    waiting = Waiting()
    outcome = run_virtual(lambda: waiting.drive(worker2), limit=waiting.set_at + 60,
                          spin_rounds=SPIN_ROUNDS)
    outcome.result(CALL2)
    _require_awaited(outcome, CALL2, solution.definition_of("worker2"))
    return waiting, outcome


@check("worker2 waits for the event before it logs", points=2)
def test_worker2_waits_for_the_event(solution: Solution) -> None:
    waiting, outcome = _watch_worker2(solution)
    where = solution.definition_of("worker2")
    if waiting.log_before_set:
        raise Fail(f"{CALL2} appended {waiting.log_before_set!r} before the event was set (the "
                   f"event was set after {waiting.set_at:.1f} s): worker2 must wait for the "
                   f"event first.", where)
    if waiting.done_before_set:
        raise Fail(f"{CALL2} returned before the event was set (after {waiting.set_at:.1f} s): "
                   f"it must wait for the event, then log.", where)
    expect(list(waiting.log) == [W2],
           f"{CALL2} left the log as {list(waiting.log)!r}; expected [{W2!r}].", where)
    outcome.require_clean(CALL2)


@check("worker2 wakes up the moment the event is set", points=2)
def test_worker2_wakes_up_at_once(solution: Solution) -> None:
    waiting, _ = _watch_worker2(solution)
    where = solution.definition_of("worker2")
    set_at, logged_at = when_set(waiting.event), when_logged(waiting.log, W2)
    if logged_at is None or set_at is None:
        raise Fail(f"{CALL2} never appended {W2!r} to the log.", where)
    late, timers = logged_at - set_at, waiting.timers
    if late < -EPSILON:
        raise Fail(f"{CALL2} appended {W2!r} at {logged_at:.3f} s, before the event was set at "
                   f"{set_at:.3f} s: it must wait for the event.", where)
    polled = (f" Meanwhile it set {len(timers)} timers of its own: it woke up again and again to "
              f"look." if len(timers) >= POLL_TIMERS else "")
    expect(late <= EPSILON,
           f"{CALL2} appended {W2!r} {late:.4g} s after the event was set (set at {set_at:.5f} s, "
           f"logged at {logged_at:.5f} s of simulated time): it noticed the event late, the way a "
           f"loop that checks event.is_set() between sleeps does. Nothing should stand between "
           f"the event being set and worker2 waking up.{polled}", timers[0] if timers else where)
    expect(len(timers) < POLL_TIMERS,
           f"{CALL2} woke up in time, but it set {len(timers)} timers of its own while it waited "
           f"{set_at:.1f} s for the event: it polls, waking up again and again to look (a "
           f"timeout or a sleep in a loop). Waiting on the event costs nothing until it is set.",
           timers[0] if timers else where)


@dataclass
class StandIns:
    """Correct worker1 and worker2 that main is given instead of the student's, to grade main
    on its own: they record what main passed them and when each one ran."""

    in_flight: InFlight = field(default_factory=InFlight)
    events: dict[str, Any] = field(default_factory=dict)
    logs: dict[str, Any] = field(default_factory=dict)
    works: list[Any] = field(default_factory=list)

    def workers(self) -> tuple[Callable[..., Awaitable[None]], Callable[..., Awaitable[None]]]:
        """worker1 and worker2 as main is given them: plain coroutine functions that keep this
        object in their closure, out of reach of main's code."""
        stand_ins = self

        async def worker1(event: Any, log: Any, work: Any) -> None:
            stand_ins.events["worker1"], stand_ins.logs["worker1"] = event, log
            stand_ins.works.append(work)
            async with stand_ins.in_flight.track("worker1"):
                await _sleep(work)
            log.append(W1)
            event.set()

        async def worker2(event: Any, log: Any) -> None:
            stand_ins.events["worker2"], stand_ins.logs["worker2"] = event, log
            if isinstance(event, asyncio.Event):
                async with stand_ins.in_flight.track("worker2"):
                    await event.wait()
            log.append(W2)

        worker1.__qualname__, worker2.__qualname__ = "worker1", "worker2"
        return worker1, worker2

    def interval(self, label: str) -> tuple[float, float | None]:
        found = next(item for item in self.in_flight.intervals if item.label == label)
        return found.start, found.end


def _require_shared(stand_ins: StandIns, call: str, where: Location | None) -> None:
    event = stand_ins.events["worker1"]
    expect(isinstance(event, asyncio.Event),
           f"{call} passed the workers {type(event).__name__} as the event; it should be an "
           f"asyncio.Event.", where)
    expect(stand_ins.events["worker2"] is event and stand_ins.logs["worker2"] is stand_ins.logs["worker1"],
           f"{call} gave worker1 and worker2 different events or different logs: they must share "
           f"one Event and one list to talk to each other.", where)


@dataclass
class Returned:
    """What one call of main left the moment it returned, before the loop ran anything else: a
    worker still running may yet append to the log main handed back, after the caller read it."""

    value: Any = None
    log: Any = None
    running: list[Pending] = field(default_factory=list)
    elapsed: float = 0.0

    async def call(self, main: Any, work: float) -> Any:
        start = _now() or 0.0
        self.value = await main(work)
        self.elapsed = (_now() or 0.0) - start
        self.log = list(self.value) if isinstance(self.value, list) else self.value
        current = asyncio.current_task()
        self.running = [snapshot(task) for task in _all_tasks()
                        if task is not current and not task.done()]
        return self.value


def _require_finished(returned: Returned, call: str, where: Location | None) -> None:
    """A worker still running when main returned: main did not wait for the workers."""
    if not returned.running:
        return
    running = ", ".join(task.name for task in returned.running)
    raise Fail(f"{call} returned while {running} was still running; at that moment the log it "
               f"returned was {returned.log!r}. main must wait until both workers have finished, "
               f"then return the log.", returned.running[0].location or where)


def _run_main(main: Any, work: float, call: str) -> tuple[Returned, Outcome[Any]]:
    returned = Returned()
    outcome = run_virtual(lambda: returned.call(main, work), limit=work + 60,
                          spin_rounds=SPIN_ROUNDS)
    outcome.result(call)
    return returned, outcome


@check("main runs worker1 and worker2 at the same time and returns the log", points=2)
def test_main_runs_both_workers_at_once(solution: Solution) -> None:
    main = solution.function("main", coroutine=True)
    stand_ins, work = StandIns(), _work()
    module = solution.module()
    module.worker1, module.worker2 = stand_ins.workers()
    call = f"main({work})"
    returned = Returned()
    outcome = run_virtual(lambda: returned.call(main, work), limit=work + 60,
                          spin_rounds=SPIN_ROUNDS)
    where = solution.definition_of("main")
    if len(stand_ins.events) == 2:  # before a deadlock: different events cause one
        _require_shared(stand_ins, call, where)
    outcome.result(call)
    _require_awaited(outcome, call, where)
    missing = [name for name in ("worker1", "worker2") if name not in stand_ins.events]
    if missing:
        raise Fail(f"{call} never called {' or '.join(missing)}: main must run the two workers "
                   f"the module defines.", where)
    _require_shared(stand_ins, call, where)
    expect(stand_ins.works == [work],
           f"{call} passed worker1 work={stand_ins.works[0]!r}; it should pass on {work}.", where)
    if stand_ins.in_flight.high_water < 2:
        start1, end1 = stand_ins.interval("worker1")
        start2, _ = stand_ins.interval("worker2")
        raise Fail(f"{call} ran worker1 and worker2 one after the other: worker1 ran from "
                   f"{start1:.1f} s to {end1:.1f} s of simulated time and worker2 started only "
                   f"at {start2:.1f} s. worker2 should already be waiting while worker1 works.",
                   where, {"timeline": stand_ins.in_flight.timeline()})
    _require_finished(returned, call, where)
    expect(returned.log == [W1, W2],
           f"{call} returned {returned.log!r}; expected the log the workers wrote, {[W1, W2]!r}.",
           where)
    outcome.require_clean(call)
    _require_fresh_each_call(main, module, stand_ins, returned, work, where)


def _require_fresh_each_call(main: Any, module: Any, first: StandIns, returned: Returned,
                             work: float, where: Location | None) -> None:
    """main called again, in the same program: its Event and its log must be new ones."""
    again, work2 = StandIns(), _work()
    module.worker1, module.worker2 = again.workers()
    call = f"main({work}) and then main({work2})"
    second, _ = _run_main(main, work2, f"the second call, main({work2}),")
    event, log = again.events.get("worker1"), again.logs.get("worker1")
    if event is not None and event is first.events["worker1"]:
        raise Fail(f"{call} gave the workers the same Event both times. It was still set from "
                   f"the first call, so in the second one worker2 did not wait for worker1: that "
                   f"call returned {second.log!r}. Every call of main must start with an Event "
                   f"that is not set.", where)
    if log is not None and log is first.logs["worker1"]:
        raise Fail(f"{call} gave the workers the same log list both times: the second call "
                   f"returned {second.log!r}, the first call's entries included. Every call of "
                   f"main must start with an empty log.", where)
    expect(second.log == [W1, W2],
           f"{call}: the first call returned {returned.log!r}, but the second returned "
           f"{second.log!r}; every call of main should return {[W1, W2]!r}.", where)


@check("main with your own workers: worker2 logs right after worker1", points=2)
def test_workers_work_together(solution: Solution) -> None:
    main = solution.function("main", coroutine=True)
    work = _work()
    call = f"main({work})"
    returned = Returned()
    outcome = run_virtual(lambda: returned.call(main, work), limit=work + 60,
                          spin_rounds=SPIN_ROUNDS)
    outcome.result(call)
    where = solution.definition_of("main")
    _require_awaited(outcome, call, where)
    _require_finished(returned, call, where)
    expect(returned.log == [W1, W2],
           f"{call} returned {returned.log!r}; expected {[W1, W2]!r}: worker1 logs when its work "
           f"is done, and worker2 right after it.", where)
    expect(returned.elapsed >= work - EPSILON,
           f"{call} returned after {returned.elapsed:.1f} s of simulated time, before worker1's "
           f"{work} s of work could be done.", where)
    outcome.require_clean(call)
