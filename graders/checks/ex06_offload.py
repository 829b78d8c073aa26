"""Checks for exercise 6: offload_all runs a blocking function in worker threads, all at once.

The student's code runs in a process of its own; `func` is the judge's (`Blocking`): each call
of it is a message, and the calling thread waits for the judge's answer, which comes after the
call's simulated seconds on the judge's clock. So the judge itself sees how many calls of func
were running at once, when each one started and ended, and which item each one was for; a
heartbeat on the loop that runs offload_all shows whether the loop was held while they ran.
The order of the results is checked with func's calls made to end out of order (reversed, then
drawn), each at a moment of its own, so that the loop has seen one end before the next does:
code that collects results as they come can never be right by luck. Evidence each check passes
on is in EVIDENCE; what the submission's side reports (the thread a call came from, the thread
pools it made) only names a mistake.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, ClassVar

from graders.check import Fail, at_line, check, expect_done_when_needed, expect_each_item_once, falsy_result
from graders.probes import InFlight
from graders.probes import inputs as rand
from graders.probes.judge import Call, Handed, Run, Submission
from graders.probes.values import shown, unawaited
from graders.results import Location
from graders.trust import wire

HINTS = {
    "returns_results_in_order": (
        "offload_all returns func's results in the order of the items, whatever order the calls "
        "finish in.",
        "Collecting results as they finish (as_completed, done callbacks, the `done` set of "
        "asyncio.wait) gives the order they ended in. asyncio.gather gives them back in the order "
        "you passed the awaitables.",
    ),
    "keeps_the_loop_free": (
        "Calling func(item) inside the coroutine runs it on the event loop's own thread: nothing "
        "else can run until it returns. It has to run in another thread, and the coroutine has to "
        "wait for it without blocking.",
        "asyncio.to_thread (or loop.run_in_executor) turns a call into an awaitable that runs in a "
        "worker thread. Wrapping func in an `async def` does not move it off the loop, and "
        "waiting on a concurrent.futures future's .result() blocks the loop as func would.",
    ),
    "runs_all_at_once": (
        "All the calls have to be running at the same moment. Awaiting each one before making "
        "the next runs them one at a time, and so does any limit you add.",
        "Make an awaitable for every item first, then wait for all of them together. A pool of "
        "your own runs at most as many calls at once as it has workers.",
    ),
    "exceptions_propagate": (
        "When func raises, offload_all raises that same exception: not None in its place, not "
        "the exception inside the list of results.",
        "Wait for the calls with a tool that lets an exception through rather than returning "
        "it, and do not wait in a `with` block of a pool that shuts down while threads still run.",
    ),
}

# Evidence each check's pass rests on: what the judge saw itself.
EVIDENCE = {
    "returns_results_in_order": "the list returned, equal to func's answers in the items' order, "
                                "in 6 runs whose calls of func ended out of order (at moments of "
                                "the judge's clock of their own), and func called once per item",
    "keeps_the_loop_free": "a heartbeat on the loop that runs offload_all was never held up while "
                           "func's calls ran (each takes simulated time on the judge's clock), "
                           "and func was called once per item",
    "runs_all_at_once": "the judge counted 4 calls of func running at the same moment of its clock, "
                        "func was called once per item, and the call took no longer than they "
                        "did on the judge's clock",
    "exceptions_propagate": "the exception func raised for one item (the judge's own) came back "
                            "raised, by its name and message, and a heartbeat on the loop was "
                            "never held up while the other calls ran on after it",
}

CALL = "offload_all(func, items)"
# Four calls must meet: the default pool has min(32, cpus + 4) workers, at least five.
TOGETHER = 4
# Runs of the order check, four items each. func's calls end in reverse order in the first and
# in a drawn order in the others; a list read from asyncio.wait's `done` (a set: its order is
# drawn) is in the items' order by luck in about one run in 16, so six leave it below 1e-7.
ORDER_ROUNDS = 6
# Simulated seconds one call of func takes; in the order check, each later finisher takes STEP
# more, so that every call ends at a moment of its own.
DURATION = 1.0
STEP = 0.25
# Simulated seconds between the heartbeat's beats.
BEAT = 0.05
# The failing call ends at DURATION; the others run on until FAIL_OTHERS.
FAIL_OTHERS = 2.0 * DURATION
EPSILON = 1e-6


@dataclass(frozen=True)
class FuncCall:
    """One call of func, as the judge saw it (which thread it came from is the submission's
    word: for a message only)."""

    item: Any
    start: float
    on_loop: bool
    thread: str


class OffloadError(Exception):
    """What func raises for one item in the exception check (raised to the student's code under
    this name)."""


@dataclass
class Blocking(Handed):
    """func: a blocking function of one item. Each call blocks its calling thread for
    `durations[item]` seconds of the judge's clock, then answers `answers[item]` (or raises
    `failures[item]`). The judge counts the calls in flight at once."""

    name: ClassVar[str] = "func"
    methods: ClassVar[dict[str, str]] = {"__call__": "sync"}

    answers: dict[str, str]
    durations: dict[str, float] = field(default_factory=dict)
    failures: dict[str, str] = field(default_factory=dict)
    in_flight: InFlight = field(default_factory=InFlight)
    calls: list[FuncCall] = field(default_factory=list)
    ended: list[Any] = field(default_factory=list)
    failed_at: float | None = None

    async def __call__(self, call: Call, item: Any = None, *args: Any, **kwargs: Any) -> Any:
        self.calls.append(FuncCall(item, call.at, call.on_loop, call.thread))
        key = item if type(item) is str else None
        async with self.in_flight.track(str(item)):
            await asyncio.sleep(self.durations.get(key, DURATION) if key else DURATION)
        self.ended.append(item)
        if key in self.failures:
            self.failed_at = asyncio.get_running_loop().time()
            raise OffloadError(self.failures[key])
        if key not in self.answers:
            raise KeyError(item)
        return self.answers[key]

    @property
    def items_called(self) -> list[Any]:
        return [call.item for call in self.calls]

    @property
    def on_loop_thread(self) -> list[FuncCall]:
        return [call for call in self.calls if call.on_loop]

    def __repr__(self) -> str:
        return "func"


def _func(items: list[str], **options: Any) -> Blocking:
    return Blocking({item: f"{item.upper()}-{rand.rng.randint(10, 99)}" for item in items}, **options)


def _offload(submission: Submission, func: Blocking, items: list[str], **options: Any) -> Run:
    return submission.call("offload_all", func, list(items), coroutine=True, call=CALL, limit=60,
                           **options)


def _refuse_awaitables(value: Any, where: Location | None) -> None:
    if isinstance(value, list | tuple) and any(unawaited(item) for item in value):
        raise Fail(f"{CALL} returned coroutines or futures instead of func's results: each one "
                   f"must be awaited to get its result.", where)


def _loop_thread_message(func: Blocking, items: list[str], consequence: str) -> Fail:
    blocked = func.on_loop_thread
    return Fail(f"{CALL} called func on the event loop's own thread for {len(blocked)} of the "
                f"{len(items)} items: {consequence}")


@check("offload_all returns func's results in the order of the items", points=2)
def test_returns_results_in_order(submission: Submission) -> None:
    for round_ in range(ORDER_ROUNDS):
        items = rand.distinct_words(TOGETHER)
        # Reversed first: code that collects results as they finish can never be right by luck.
        finishing = items[::-1] if round_ == 0 else _shuffled(items)
        # The last round: func's result for one item is '', falsy but a result like any other.
        _require_order(submission, items, finishing, empty=round_ == ORDER_ROUNDS - 1)


def _shuffled(items: list[str]) -> list[str]:
    while True:
        order = rand.rng.sample(items, len(items))
        if order != items:
            return order


def _require_order(submission: Submission, items: list[str], finishing: list[str],
                   empty: bool = False) -> None:
    """offload_all(func, items) with func's calls made to end in the order `finishing` (when
    they run at once): each takes STEP longer than the one before it. `empty`: func returns ''
    for one of the items."""
    func = _func(items)
    if empty:
        func.answers[rand.rng.choice(items)] = ""
    func.durations = {item: DURATION + STEP * rank for rank, item in enumerate(finishing)}
    run = _offload(submission, func, items)
    value = run.result(CALL)
    where = submission.definition_of("offload_all")
    _refuse_awaitables(value, where)
    expected = [func.answers[item] for item in items]
    if not (type(value) is list and value == expected):
        finished = ""
        permuted = (type(value) is list and all(type(item) is str for item in value)
                    and sorted(value) == sorted(expected))
        if permuted and len(func.ended) == len(items) and func.ended != items:
            finished = (f" (The calls of func finished in the order {func.ended!r}: the "
                        f"results must keep the items' order, whichever call ends first.)")
        falsy = next((f" {falsy_result('func', repr(item))}." for item in items
                      if func.answers[item] == ""), "")
        raise Fail(f"{CALL} returned {shown(value)}; expected {expected!r}: func's result for each "
                   f"item, in the order of items {items!r}, as a list.{finished}{falsy}", where)
    expect_each_item_once(CALL, func.items_called, items, where)


@check("func runs in worker threads and the event loop stays free", points=3)
def test_keeps_the_loop_free(submission: Submission) -> None:
    items = rand.distinct_words(TOGETHER)
    func = _func(items)
    run = _offload(submission, func, items, heartbeat=BEAT)
    run.result(CALL)
    where = submission.definition_of("offload_all")
    if func.on_loop_thread:
        raise _loop_thread_message(
            func, items, f"while func runs there the loop is blocked and no other coroutine can "
            f"run - a heartbeat task on the loop went {run.stall + BEAT:.2f} s of simulated time "
            f"without a beat. func must run in a worker thread.")
    if run.stall > EPSILON:
        raise Fail(f"{CALL} ran func in worker threads, but the event loop stood still while "
                   f"they ran: a heartbeat task that beats every {BEAT:g} s of simulated time "
                   f"went {run.stall + BEAT:.2f} s without a beat while the calls of func took "
                   f"{run.elapsed:.2f} s. Something in offload_all blocks the loop while it waits "
                   f"for the threads (a blocking .result(), .join() or time.sleep on the loop's "
                   f"thread).", where)
    expect_each_item_once(CALL, func.items_called, items, where)


@check("four calls of func run at the same moment", points=3)
def test_runs_all_at_once(submission: Submission) -> None:
    items = rand.distinct_words(TOGETHER)
    func = _func(items)
    run = _offload(submission, func, items, spy_pools=True)
    run.result(CALL)
    where = submission.definition_of("offload_all")
    if func.on_loop_thread:
        raise _loop_thread_message(
            func, items, "calls on the loop's thread run one after another, and nothing else "
            "runs meanwhile. func must run in worker threads, all at the same time.")
    expect_each_item_once(CALL, func.items_called, items, where)
    most = func.in_flight.high_water
    details = {"timeline": func.in_flight.timeline()}
    if most >= TOGETHER:
        # All at once is not all: offload_all is done when the calls are.
        expect_done_when_needed(
            run.elapsed, DURATION,
            f"The {TOGETHER} calls of func ran at the same moment, but offload_all returned "
            f"after {run.elapsed:.1f} s of simulated time; they take {DURATION:.1f} s, and "
            f"offload_all is done when they are", "the calls need", where)
        return
    small = _small_pools(run)
    if small:
        workers, location = small[0]
        at = at_line(location, " (", ")")
        raise Fail(f"The {TOGETHER} calls of func ran at most {most} at a time: the thread pool "
                   f"made with max_workers={workers}{at} runs no more than {workers} at once, "
                   f"and {TOGETHER} items need {TOGETHER} workers.", location or where, details)
    how = "one at a time" if most <= 1 else f"at most {most} at a time"
    raise Fail(f"The {TOGETHER} calls of func ran {how}: they took {run.elapsed:.1f} s of "
               f"simulated time, where {TOGETHER} calls running at once take {DURATION:.1f} s, "
               f"and never more than {most} ran at once. Each call must already be running while "
               f"the next ones start.", where, details)


def _small_pools(run: Run) -> list[tuple[int, Location | None]]:
    """Thread pools the submission reported making with fewer than TOGETHER workers."""
    pools = run.report.get("pools")
    found = []
    for pool in pools if isinstance(pools, list) else []:
        if isinstance(pool, dict) and type(pool.get("max_workers")) is int \
                and pool["max_workers"] < TOGETHER:
            found.append((pool["max_workers"], run.location_of(pool.get("location"))))
    return found


def _leaves(raised: wire.Raised) -> list[wire.Raised]:
    """The exceptions in an exception group (as the submission described them), or `raised`."""
    if raised.is_a("BaseExceptionGroup") and len(raised.args) > 1 \
            and isinstance(raised.args[1], list):
        return [leaf for inner in raised.args[1] if isinstance(inner, wire.Raised)
                for leaf in _leaves(inner)]
    return [raised]


@check("an exception raised by func reaches the caller", points=2)
def test_exceptions_propagate(submission: Submission) -> None:
    items = rand.distinct_words(TOGETHER)
    bad = rand.rng.choice(items[1:])
    message = f"cannot process {bad!r}"
    shown_error = f"OffloadError({message!r})"
    func = _func(items, failures={bad: message})
    func.durations = {item: DURATION if item == bad else FAIL_OTHERS for item in items}
    run = _offload(submission, func, items, heartbeat=BEAT)
    ended_at = submission.loop.now if submission.loop is not None else 0.0
    where = submission.definition_of("offload_all")
    raised = run.raised
    if raised is not None and func.failed_at is not None and any(
            leaf.is_a("OffloadError") and leaf.args == (message,) for leaf in _leaves(raised)):
        _require_free_after_failure(run, func, ended_at, shown_error, bad, where)
        return
    if raised is not None and not raised.is_a("NotImplementedError") \
            and not raised.is_a("OffloadError") and not run.broken:
        raise Fail(f"func raised {shown_error} for item {bad!r}, but {CALL} raised "
                   f"{raised.text} instead: the caller should get func's own exception.", where)
    value = run.result(CALL)
    raise Fail(f"func raised {shown_error} for item {bad!r}, but {CALL} returned {shown(value)}: "
               f"the exception was swallowed. The caller must get it, raised.", where)


def _require_free_after_failure(run: Run, func: Blocking, ended_at: float, shown_error: str,
                                bad: str, where: Location | None) -> None:
    """The loop went on beating from func's failure to the end of the run (ended_at)."""
    assert func.failed_at is not None
    beats = run.heartbeat
    stall = beats.longest_stall(func.failed_at, max(ended_at, func.failed_at)) if beats else 0.0
    if stall <= EPSILON:
        return
    others = len(func.calls) - 1
    raise Fail(f"func raised {shown_error} for item {bad!r} while its {others} other calls were "
               f"still running in worker threads, and from then on the event loop stood still: a "
               f"heartbeat task that beats every {BEAT:g} s of simulated time went "
               f"{stall + BEAT:.2f} s without a beat while those calls ran on. Something in "
               f"offload_all blocks the loop's thread while other calls still run after one has "
               f"failed (a thread pool shut down, or left through its with-block, waits for its "
               f"threads on the loop's thread; so does a blocking .result()). The error must "
               f"reach the caller without stopping the loop.", where)
