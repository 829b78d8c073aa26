"""Checks for exercise 11: timeouts stop the work they time out, cleanup survives cancellation,
cancellation is never swallowed, and one failed job cancels its siblings.

The student's code runs in a process of its own; the fetch, the pool and its connections, and the
jobs live on the judge's side, and each of their calls is a message. Everything runs on the
judge's clock: a timeout of 3 s fires at 3.0 exactly. Where it matters, the judge reads what each
fake was doing (finished, cancelled, still running) at the moment the student's function returned
or raised (`Remote.start_telling`), so the verdicts read states, never clocks. Evidence each
check passes on is in EVIDENCE; what the submission's side reports about itself (a blocking call,
tasks left running) can only cost points.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, ClassVar

from graders.check import Fail, check, expect, expect_done_when_needed, falsy_result, record
from graders.probes import InFlight
from graders.probes import inputs as rand
from graders.probes.judge import Call, Done, Handed, Remote, Run, Submission, describe_raised
from graders.probes.values import shown
from graders.results import Location
from graders.trust import wire

HINTS = {
    "returns_a_quick_answer": (
        "A fetch that answers in time is returned the moment it answers: do not sleep for the "
        "whole limit and look afterwards.",
    ),
    "gives_up_after_the_timeout": (
        "fetch_with_timeout puts a time limit on one await. asyncio has a tool for that; what "
        "happens to the work inside when the limit passes?",
        "A timeout cancels the work it times out: use asyncio.timeout or asyncio.wait_for, not "
        "asyncio.wait (which leaves the work running), and do not shield the fetch from it.",
        "When the limit passes, what reaches fetch_with_timeout is a TimeoutError, not a "
        "CancelledError: catch that one and return None.",
    ),
    "lets_cancellation_through": (
        "A cancellation from outside is not a timeout: it must stop the fetch and go on out of "
        "fetch_with_timeout, not turn into None.",
    ),
    "query_releases_its_connection": (
        "run_query cleans up after an await whatever happens: the connection goes back to the "
        "pool exactly once, after a result, after an error and after a cancellation.",
        "Cleanup that must always run belongs in a `finally` block around the awaited query - "
        "and only there, so it runs once.",
    ),
    "query_cleans_up_when_cancelled": (
        "A cancellation arrives as CancelledError at whichever await run_query is in: the query, "
        "or pool.acquire() while it still waits for a connection. `except Exception` does not "
        "see it, so cleanup there is skipped.",
        "Give the connection back in a `finally`, and let the CancelledError go on: `except "
        "BaseException` must not keep it, nor turn it into a result. A `finally` that runs "
        "before the connection was ever taken has nothing to give back.",
    ),
    "run_all": (
        "run_all starts every job before it waits for any, and returns their results in the "
        "order of `jobs` - for any number of jobs, none included.",
    ),
    "run_all_cancels_the_rest_on_failure": (
        "When one job fails, the others are pointless: cancel the ones still running, wait until "
        "they have stopped, then raise the error.",
        "asyncio.TaskGroup cancels and waits for the other tasks when one fails. With gather you "
        "would have to do that yourself: cancel the tasks still running and await them before "
        "raising.",
    ),
}


# Evidence each check's pass rests on: what the judge saw itself.
EVIDENCE = {
    "returns_a_quick_answer": "the value returned, equal to the fetch's answer, the fetch called "
                              "once, and the call ending when the fetch answered on the judge's "
                              "clock",
    "gives_up_after_the_timeout": "None returned when the judge's clock reached the limit, and the "
                                  "fetch, on the judge's side, cancelled and no longer running at "
                                  "that moment",
    "lets_cancellation_through": "the call ending cancelled after the judge cancelled it, and the "
                                 "fetch no longer running when it ended",
    "query_releases_its_connection": "the pool's records: one connection taken and given back "
                                     "exactly once, after its query ended, with the query's "
                                     "answer returned and its QueryError raised",
    "query_cleans_up_when_cancelled": "the pool's records after the judge cancelled run_query "
                                      "during its query: the connection given back exactly once, "
                                      "after the query stopped, and the call ending cancelled; "
                                      "cancelled while acquiring: the call ending cancelled, and "
                                      "every connection the pool handed out, then or later, given "
                                      "back once, with no query run",
    "run_all_returns_results": "the list returned, equal to the jobs' results in order, every job "
                               "started once and all of them in flight at once on the judge's "
                               "side, and the call no longer than the slowest job on its clock",
    "run_all_with_no_jobs": "the list returned for no jobs, rebuilt as plain data: []",
    "run_all_cancels_the_rest_on_failure": "the jobs' states on the judge's side when run_all "
                                           "raised the failing job's JobError: none running, "
                                           "none finished after the failure, and the judge's "
                                           "clock at the failure",
}

_sleep = asyncio.sleep
TOLERANCE = 1e-3


def _as_drawn_before() -> None:
    """The draw run_virtual made in the check's own process for each run, before the student's
    code ran in a process of its own (its tasks' hashes): made here too, so that the data each
    check draws for a file stays what it was."""
    rand.rng.getrandbits(64)


def _from(in_flight: InFlight, began: float) -> None:
    """The intervals in seconds from `began` (the judge's clock runs on from call to call within
    a check), as the messages and the timeline have always shown them."""
    for interval in in_flight.intervals:
        interval.start -= began
        interval.end = None if interval.end is None else interval.end - began


def _began(submission: Submission, run: Run) -> float:
    """When the call that made `run` began, on the judge's clock."""
    return (submission.loop.now if submission.loop is not None else run.elapsed) - run.elapsed


class QueryError(Exception):
    """The error the fake database raises (raised in the student's code under this name)."""


class JobError(Exception):
    """The error a failing job raises (raised in the student's code under this name)."""


class Ended(Handed):
    """Told by the submission's runtime the moment the student's coroutine returns or raises
    (`Remote.start_telling`): reads the world as it was then, on the judge's clock."""

    name: ClassVar[str] = "Ended"
    methods: ClassVar[dict[str, str]] = {"ended": "notify"}

    def __init__(self, read: Any = None) -> None:
        self._read = read
        self.at: float | None = None
        self.seen: Any = None

    async def ended(self, call: Call) -> None:
        if self.at is None:
            self.at = asyncio.get_running_loop().time()
            self.seen = self.read()

    def read(self) -> Any:
        return self._read() if self._read is not None else None


@dataclass
class Ending:
    """How the student's call, run as a task there, ended (the submission's word on its value)."""

    done: Done
    took: float  # the judge's clock from the start to the moment it ended
    began: float = 0.0  # the judge's clock when the call was started
    ended_before: bool = False  # it had already ended when the cancel came (cancelled runs)
    after: Any = None  # the world read again when the submission said the call had ended


def _started(started: Done, call: str, where: Location | None) -> None:
    """Fail if the student's function could not be started as a task."""
    if started.failed:
        raise Fail(started.failed, started.location or where)
    if started.raised is not None:
        raise Fail(describe_raised(call, started.raised), _at(started.raised) or where)
    if not started.task:
        raise Fail(f"{call} returned {shown(started.value)} without being awaited: it must be a "
                   f"coroutine function (`async def`).", where)


def _at(raised: wire.Raised | None) -> Location | None:
    return Location(*raised.location) if raised is not None and raised.location else None


def _value(ending: Ending, call: str) -> Any:
    """What the call returned; a Fail naming what went wrong otherwise."""
    done = ending.done
    if done.state == "raised" and done.raised is not None:
        raise Fail(describe_raised(call, done.raised), _at(done.raised))
    if done.state == "cancelled":
        raise Fail(f"{call} was cancelled (CancelledError escaped from it).")
    if done.state != "returned":
        raise Fail(f"{call} never ended.")
    return done.value


def _timed(submission: Submission, function: str, args: tuple[Any, ...], call: str,
           ended: Ended, where: Location | None, cancel_at: float | None = None,
           settle: float = 0.0) -> tuple[Ending, Run]:
    """Start the student's `function(*args)` as a task there, cancel it after `cancel_at`
    simulated seconds if given, and wait until it has ended; `ended` reads the world at that
    moment. `settle`: simulated seconds the world goes on after that (what the call left
    running meanwhile can still act on it)."""
    box: dict[str, Ending] = {}

    async def script(remote: Remote) -> None:
        loop = asyncio.get_running_loop()
        began = loop.time()
        started = await remote.start_telling(ended, function, *args)
        _started(started, call, where)
        ended_before = False
        if cancel_at is not None:
            await _sleep(cancel_at)
            ended_before = (await remote.state(started.task)).state != "pending"
            await remote.cancel(started.task)
        done = await remote.wait(started.task)
        took = (ended.at if ended.at is not None else loop.time()) - began
        box["ending"] = Ending(done, took, began, ended_before, ended.read())
        if settle:
            await _sleep(settle)

    run = submission.scenario(script, call=call)
    _as_drawn_before()
    run.result(call)
    return box["ending"], run


# fetch_with_timeout ---------------------------------------------------------------------------


class Fetch(Handed):
    """A fetch that answers after `latency` seconds of the judge's clock; remembers whether it
    was cancelled. The student's code gets a plain coroutine function."""

    name: ClassVar[str] = "fetch"
    methods: ClassVar[dict[str, str]] = {"__call__": "async"}

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.value = f"page-{rand.word(6)}"
        self.calls = 0
        self.running = False
        self.cancelled = False

    async def __call__(self, call: Call) -> str:
        self.calls += 1
        self.running = True
        try:
            await _sleep(self.latency)
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        finally:
            self.running = False
        return self.value

    def __repr__(self) -> str:
        return "fetch"


@check("fetch_with_timeout returns the answer of a fetch that is quick enough", points=1)
def test_returns_a_quick_answer(submission: Submission) -> None:
    # Then a fetch whose answer is an empty page: falsy, and as real an answer as any other.
    for empty in (False, True):
        _check_quick_answer(submission, empty)


def _check_quick_answer(submission: Submission, empty: bool) -> None:
    seconds = rand.delay(3.0, 6.0)
    fetch = Fetch(latency=round(seconds - rand.delay(0.5, 2.0), 1))
    if empty:
        fetch.value = ""
    call = f"fetch_with_timeout(fetch, {seconds})"
    run = submission.call("fetch_with_timeout", fetch, seconds, coroutine=True, call=call)
    _as_drawn_before()
    value = run.result(call)
    if run.blocking:
        raise Fail(run.blocking_message(), run.blocking_location())
    where = submission.definition_of("fetch_with_timeout")
    page = " (an empty page: falsy, but an answer like any other)" if empty else ""
    expect(type(value) is str and value == fetch.value,
           f"{call} returned {shown(value)}; the fetch answered {fetch.value!r}{page} after "
           f"{fetch.latency} s, within the {seconds} s limit.", where)
    expect(fetch.calls == 1, f"{call} called fetch {fetch.calls} times; call it once.", where)
    expect(abs(run.elapsed - fetch.latency) < TOLERANCE,
           f"{call} took {run.elapsed:.1f} s of simulated time; the fetch answered after "
           f"{fetch.latency} s, so it should return then, not wait for the limit.", where)


@check("fetch_with_timeout gives up after `seconds`, returns None and stops the fetch", points=3)
def test_gives_up_after_the_timeout(submission: Submission) -> None:
    seconds = rand.delay(2.0, 5.0)
    fetch = Fetch(latency=round(seconds + rand.delay(2.0, 6.0), 1))
    call = f"fetch_with_timeout(fetch, {seconds})"
    where = submission.definition_of("fetch_with_timeout")
    ended = Ended(lambda: fetch.running)
    ending, run = _timed(submission, "fetch_with_timeout", (fetch, seconds), call, ended, where)
    raised = ending.done.raised
    if ending.done.state == "raised" and raised is not None and raised.is_a("TimeoutError"):
        raise Fail(f"{call} raised TimeoutError after {ending.took:.1f} s; when the fetch "
                   f"takes too long it should catch the timeout and return None.",
                   _at(raised) or where)
    value = _value(ending, call)
    if value is not None:
        raise Fail(f"{call} returned {shown(value)} after {ending.took:.1f} s of simulated time: "
                   f"it waited for a fetch that takes {fetch.latency} s. It should give up after "
                   f"{seconds} s and return None.", where)
    expect(abs(ending.took - seconds) < TOLERANCE,
           f"{call} returned None after {ending.took:.1f} s of simulated time; it should give "
           f"up after {seconds} s (the fetch would take {fetch.latency} s).", where)
    if ended.seen is not False:
        raise Fail(f"{call} returned None after {seconds} s, but the fetch was still running: "
                   f"a timed-out fetch must be cancelled, not left behind.",
                   run.first_leak_location() or where)
    expect(fetch.cancelled,
           f"{call} returned None, but the fetch never saw a cancellation: it must be stopped.",
           where)
    run.require_clean(call)


@check("fetch_with_timeout lets a cancellation from outside through", points=2)
def test_lets_cancellation_through(submission: Submission) -> None:
    seconds = rand.delay(8.0, 12.0)
    fetch = Fetch(latency=round(seconds + rand.delay(5.0, 10.0), 1))
    cancel_at = rand.delay(1.0, 4.0)
    call = f"fetch_with_timeout(fetch, {seconds})"
    where = submission.definition_of("fetch_with_timeout")
    ended = Ended(lambda: fetch.running)
    ending, run = _timed(submission, "fetch_with_timeout", (fetch, seconds), call, ended, where,
                         cancel_at=cancel_at)
    _expect_cancelled(ending, call, cancel_at, where)
    expect(ended.seen is False,
           f"{call} was cancelled after {cancel_at} s and ended, but the fetch inside was still "
           f"running: cancelling fetch_with_timeout must stop the fetch too.",
           run.first_leak_location() or where)


def _expect_cancelled(ending: Ending, call: str, at: float, where: Location | None,
                      during: str = "") -> None:
    """Fail unless the cancelled call ended cancelled (CancelledError went on to its caller).
    `during`: what the call was waiting for when the cancellation came, for the message."""
    done = ending.done
    if done.state == "cancelled":
        return
    error = done.raised if done.state == "raised" else None
    if ending.ended_before:
        if error is not None:
            raise Fail(describe_raised(call, error), _at(error))
        raise Fail(f"{call} returned {shown(done.value)} after less than {at} s, before "
                   f"the work it waits for was done.", where)
    what = f"{call}, cancelled after {at} s{during},"
    if done.state == "returned":
        raise Fail(f"{what} returned {shown(done.value)} instead of ending cancelled: it "
                   f"swallowed the CancelledError. Cleanup may run, but the cancellation must "
                   f"go on.", where)
    if error is None:
        raise Fail(f"{what} never ended.", where)
    raise Fail(f"{what} should end cancelled, but "
               f"{describe_raised('it', error).removeprefix('it ')}", _at(error) or where)


# run_query ------------------------------------------------------------------------------------


class Connection(Handed):
    """A connection run_query gets from the pool: `execute(sql)`."""

    name: ClassVar[str] = "Connection"
    methods: ClassVar[dict[str, str]] = {"execute": "async"}

    def __init__(self, pool: FakePool, number: int) -> None:
        self._pool, self._number = pool, number

    async def execute(self, call: Call, sql: Any) -> str:
        return await self._pool.execute(self._number, sql)

    def __repr__(self) -> str:
        return "connection"


class FakePool(Handed):
    """The pool run_query gets: `acquire()` and `release(connection)`, nothing more. It hands
    out connections and counts how often each comes back, on the judge's side; connection
    number n is `handed_out[n - 1]`."""

    name: ClassVar[str] = "Pool"
    methods: ClassVar[dict[str, str]] = {"acquire": "async", "release": "notify"}

    def __init__(self, latency: float | None = None, error: Exception | None = None,
                 acquire_time: float = 0.1) -> None:
        self.latency = latency if latency is not None else rand.delay(1.0, 3.0)
        self.error = error
        self.acquire_time = acquire_time  # a pool can make its caller wait for a connection
        self.salt = rand.word(5)
        self.handed_out: list[Connection] = []
        self.returned: list[int] = []
        self.strangers = 0
        self.executing = False  # a query began
        self.running_queries: list[int] = []  # connections running a query
        self.too_early = 0  # connections given back before their query had ended (or begun)

    def _query_done(self, number: int) -> bool:
        return self.executing and number not in self.running_queries

    async def acquire(self, call: Call) -> Connection:
        await _sleep(self.acquire_time)
        connection = Connection(self, len(self.handed_out) + 1)
        self.handed_out.append(connection)
        return connection

    async def execute(self, number: int, sql: Any) -> str:
        self.executing = True
        self.running_queries.append(number)
        try:
            await _sleep(self.latency)
        finally:
            self.running_queries.remove(number)
        if self.error is not None:
            raise self.error
        return self.answer(sql)

    async def release(self, call: Call, connection: Any = None) -> None:
        number = next((index for index, mine in enumerate(self.handed_out, 1)
                       if connection is mine), None)
        if number is not None:
            self.returned.append(number)
            if not self._query_done(number):
                self.too_early += 1
        else:
            self.strangers += 1

    def answer(self, sql: Any) -> str:
        return f"{len(sql) if type(sql) is str else 0} rows ({self.salt})"

    def times_back(self) -> int:
        return len(self.returned)

    def __repr__(self) -> str:
        return "pool"


def _sql() -> str:
    return f"SELECT * FROM {rand.word(6)}"


def _expect_at_most_once(pool: FakePool, when: str, where: Any) -> None:
    expect(pool.strangers == 0,
           f"{when}, run_query gave back something that is not a connection it took.", where)
    twice = len(pool.returned) - len(set(pool.returned))
    expect(not twice, f"{when}, run_query gave a connection back more than once: it must give "
                      f"it back exactly once, whatever happens.", where)


def _expect_given_back_once(pool: FakePool, when: str, where: Any) -> None:
    expect(len(pool.handed_out) == 1,
           f"{when}, run_query had taken {len(pool.handed_out)} connections; it needs one.",
           where)
    expect(pool.strangers == 0,
           f"{when}, run_query gave back something that is not the connection it took.", where)
    back = pool.times_back()
    expect(back == 1,
           f"{when}, run_query gave its connection back {back} times; it must give it back "
           f"exactly once, whatever happens.", where)
    expect(not pool.too_early,
           f"{when}, run_query had given its connection back before the query on it had ended: "
           f"the pool may hand it to someone else while the query still uses it. Give it back "
           f"once the query is over.", where)


@check("run_query gives its connection back after a result and after an error", points=2)
def test_query_releases_its_connection(submission: Submission) -> None:
    sql = _sql()
    where = submission.definition_of("run_query")
    call = f"run_query(pool, {sql!r})"
    pool = FakePool()
    run = submission.call("run_query", pool, sql, coroutine=True, call=call)
    _as_drawn_before()
    value = run.result(call)
    expect(type(value) is str and value == pool.answer(sql),
           f"{call} returned {shown(value)}; the query answered {pool.answer(sql)!r}.", where)
    _expect_given_back_once(pool, "When the query succeeded", where)

    error = QueryError(f"table {rand.word(6)} is locked")
    pool = FakePool(error=error)
    run = submission.call("run_query", pool, sql, coroutine=True, call=call)
    _as_drawn_before()
    raised = run.raised
    if not (raised is not None and raised.is_a("QueryError") and raised.args == error.args):
        if raised is None and not run.broken and not run.timed_out and not run.spun:
            raise Fail(f"The query raised QueryError, but run_query returned {shown(run.value)}: "
                       f"the error must reach the caller.", where)
        run.result(call)
    _expect_given_back_once(pool, "When the query raised QueryError", where)


@check("run_query gives its connection back when cancelled, and stays cancelled", points=3)
def test_query_cleans_up_when_cancelled(submission: Submission) -> None:
    sql = _sql()
    where = submission.definition_of("run_query")
    pool = FakePool(latency=rand.delay(5.0, 9.0))
    cancel_at = rand.delay(1.0, 4.0)
    call = f"run_query(pool, {sql!r})"
    ending, _ = _timed(submission, "run_query", (pool, sql), call, Ended(), where,
                       cancel_at=cancel_at)
    if ending.ended_before or not pool.executing:
        _expect_cancelled(ending, call, cancel_at, where)
        raise Fail(f"{call} never ran the query.", where)
    _expect_given_back_once(pool, f"When run_query was cancelled after {cancel_at} s, during "
                                  f"the query", where)
    _expect_cancelled(ending, call, cancel_at, where)
    # Cancelled while it still waits for its connection: the other await the task covers.
    pool = FakePool(acquire_time=rand.delay(2.0, 4.0))
    cancel_at = round(pool.acquire_time / 2, 2)
    ending, _ = _timed(submission, "run_query", (pool, sql), call, Ended(), where,
                       cancel_at=cancel_at, settle=pool.acquire_time)
    _expect_cancelled(ending, call, cancel_at, where, " while it still waited for "
                      "pool.acquire() to give it a connection")
    when = (f"When run_query was cancelled after {cancel_at} s, while the pool was still "
            f"getting it a connection ({pool.acquire_time} s)")
    kept = len(pool.handed_out) - pool.times_back()
    expect(kept <= 0,
           f"{when}, it ended cancelled, but the pool then handed out a connection that was "
           f"never given back: a connection still being acquired belongs to run_query too.",
           where)
    _expect_at_most_once(pool, when, where)
    expect(not pool.executing, f"{when}, a query still ran on the connection afterwards: once "
                               f"run_query is cancelled, nothing more may run.", where)


# run_all --------------------------------------------------------------------------------------


class Board:
    """Jobs with their own latencies, on the judge's side; records each job's state."""

    def __init__(self, latencies: list[float], failing: int | None = None) -> None:
        self.latencies = latencies
        self.failing = failing
        self.states: dict[int, str] = {}
        self.calls: list[int] = []
        self.in_flight = InFlight()
        self.error = JobError(f"job failed: {rand.word(6)}")
        self.results = [f"job{index}-{rand.word(4)}" for index in range(len(latencies))]

    def jobs(self) -> list[Job]:
        return [Job(self, index) for index in range(len(self.latencies))]

    async def run(self, index: int) -> str:
        self.calls.append(index)
        self.states[index] = "running"
        try:
            async with self.in_flight.track(f"job {index}"):
                await _sleep(self.latencies[index])
        except asyncio.CancelledError:
            self.states[index] = "cancelled"
            raise
        if index == self.failing:
            self.states[index] = "failed"
            raise self.error
        self.states[index] = "done"
        return self.results[index]


class Job(Handed):
    """One job: the student's code gets a plain coroutine function named job<index>."""

    name: ClassVar[str] = "job"
    methods: ClassVar[dict[str, str]] = {"__call__": "async"}

    def __init__(self, board: Board, index: int) -> None:
        self._board, self._index = board, index

    async def __call__(self, call: Call) -> str:
        return await self._board.run(self._index)

    def shape(self) -> dict[str, Any]:
        return {**super().shape(), "name": f"job{self._index}"}

    def __repr__(self) -> str:
        return f"job{self._index}"


# Jobs in the fixed case of the order check, ending in the reverse of their order. A set of tasks
# (asyncio.wait's `done`) comes out in the order of the jobs by luck, with the drawn task hashes,
# about once in 40 for the random case's 4-6 jobs, and for 12 tasks under 1e-7 (none in 3e7
# draws; about 1e-8 going by 1/12! and the excess measured for 10): together well below one in
# a million.
REVERSED_JOBS = 12


@check("run_all runs the jobs at the same time and returns their results in order", points=2)
def test_run_all_returns_results(submission: Submission) -> None:
    count = rand.rng.randint(4, 6)
    latencies = sorted(rand.distinct_delays(count, 1.0, 5.0), reverse=True)
    latencies[1:] = rand.rng.sample(latencies[1:], count - 1)  # the first job ends last
    reversed_order = sorted(rand.distinct_delays(REVERSED_JOBS, 1.0, 5.0), reverse=True)
    first = Board(latencies=latencies)
    first.results[rand.rng.randrange(1, count)] = ""  # a result '' is a result too
    for board in (first, Board(latencies=reversed_order)):
        _expect_results_in_order(submission, board)


# A check of its own: code that raises for no jobs (asyncio.wait refuses an empty set) runs
# the jobs at the same time all the same, and must not lose that check for it.
@check("run_all with no jobs returns an empty list", points=1)
def test_run_all_with_no_jobs(submission: Submission) -> None:
    where = submission.definition_of("run_all")
    empty = Board(latencies=[])
    run = submission.call("run_all", empty.jobs(), coroutine=True, call="run_all([])")
    _as_drawn_before()
    value = run.result("run_all([])")
    expect(type(value) is list and value == [],
           f"run_all([]) returned {shown(value)}; with no jobs the list of results is empty: [].",
           where)


def _expect_results_in_order(submission: Submission, board: Board) -> None:
    count = len(board.latencies)
    call = f"run_all(<{count} jobs>)"
    run = submission.call("run_all", board.jobs(), coroutine=True, call=call)
    _as_drawn_before()
    _from(board.in_flight, _began(submission, run))
    record(timeline=board.in_flight.timeline())
    value = run.result(call)
    where = submission.definition_of("run_all")
    expect(sorted(board.calls) == list(range(count)),
           f"{call} started the jobs {board.calls}; it should start each of the {count} once.",
           where)
    most = board.in_flight.high_water
    if most < count:
        how = "one at a time" if most <= 1 else f"at most {most} at a time"
        raise Fail(f"{call} ran the jobs {how}: {run.elapsed:.1f} s of simulated time; run "
                   f"together they need {max(board.latencies):.1f} s.", where)
    empty = [index for index, result in enumerate(board.results) if result == ""]
    falsy = (f" {falsy_result(f'Job {empty[0]}')}."
             if empty and type(value) is list and len(value) < count else "")
    expect(type(value) is list and value == board.results,
           f"{call} returned {shown(value, 1000)}; expected {board.results!r} (each job's result, "
           f"in the order of the jobs, as a list).{falsy}", where)
    # All in flight at once is not all: run_all is done when the slowest job is.
    needed = max(board.latencies)
    expect_done_when_needed(
        run.elapsed, needed,
        f"{call} ran the jobs at the same time, but returned after {run.elapsed:.1f} s of "
        f"simulated time; the slowest job takes {needed:.1f} s, and run_all is done when it is",
        "the jobs need", where, tolerance=TOLERANCE)
    run.require_clean(call)


@check("when one job fails, run_all cancels the others, waits for them, and raises", points=3)
def test_run_all_cancels_the_rest_on_failure(submission: Submission) -> None:
    # First a failing job that is not first in the list and fails before the first job ends
    # (code that awaits the jobs in list order notices it late, every run); then any order.
    for first_ends_last in (True, False):
        _expect_cancels_the_rest(submission, *_failing_board(first_ends_last))


def _failing_board(first_ends_last: bool) -> tuple[Board, int]:
    """Jobs ending in a random order, one failing while some have ended and some still run;
    the board and the failing job's index."""
    count = rand.rng.randint(4, 6)
    delays = sorted(rand.distinct_delays(count, 1.0, 6.0))
    rank = rand.rng.randint(1, count - 2)   # some jobs end before it, some after
    order = list(range(count))  # order[rank]: the job that ends rank-th
    if first_ends_last:
        order = [*rand.rng.sample(order[1:], count - 1), 0]
    else:
        rand.rng.shuffle(order)
    latencies = [0.0] * count
    for position, index in enumerate(order):
        latencies[index] = delays[position]
    return Board(latencies=latencies, failing=order[rank]), order[rank]


def _expect_cancels_the_rest(submission: Submission, board: Board, failing: int) -> None:
    latencies, count = board.latencies, len(board.latencies)
    call = f"run_all(<{count} jobs>)"
    where = submission.definition_of("run_all")
    ended = Ended(lambda: dict(board.states))
    ending, _ = _timed(submission, "run_all", (board.jobs(),), call, ended, where)
    _from(board.in_flight, ending.began)
    record(timeline=board.in_flight.timeline())
    fail_at = latencies[failing]
    done = ending.done
    if done.state == "returned":
        raise Fail(f"Job {failing} raised JobError after {fail_at} s, but {call} returned "
                   f"{shown(done.value)} instead of raising the error.", where)
    if not _holds(done.raised if done.state == "raised" else None, board.error):
        _value(ending, call)  # another error, or cancelled: say so
        raise Fail(f"{call} never ended.", where)
    after: dict[int, str] = ending.after if isinstance(ending.after, dict) else {}
    seen: dict[int, str] = ended.seen if isinstance(ended.seen, dict) else after
    running = sorted(index for index, state in seen.items() if state == "running")
    if running:
        # Jobs that stopped cancelled between the call's end and the word that it had ended:
        # run_all cancelled them, but did not wait for them.
        waiting = [index for index in running if after.get(index) == "cancelled"]
        names = ", ".join(f"job {index}" for index in running)
        if len(waiting) == len(running):
            raise Fail(f"Job {failing} failed after {fail_at} s and {call} cancelled the others, "
                       f"but it did not wait for them: {names} had not stopped yet when it "
                       f"raised.", where)
        raise Fail(f"Job {failing} failed after {fail_at} s and {call} raised, but {names} "
                   f"{'was' if len(running) == 1 else 'were'} still running: the other jobs "
                   f"must be cancelled when one fails.", where)
    late = sorted(index for index, state in seen.items()
                  if state == "done" and latencies[index] > fail_at)
    if late:
        names = ", ".join(f"job {index}" for index in late)
        raise Fail(f"Job {failing} failed after {fail_at} s, but {call} let {names} run to the "
                   f"end and raised only after {ending.took:.1f} s: the other jobs must be "
                   f"cancelled as soon as one fails.", where)
    expect(abs(ending.took - fail_at) < TOLERANCE,
           f"Job {failing} failed after {fail_at} s, but {call} raised only after "
           f"{ending.took:.1f} s of simulated time.", where)


def _holds(error: Any, wanted: BaseException) -> bool:
    """Whether `error` (as the submission described it) is the job's error, or an exception
    group that holds it."""
    if not isinstance(error, wire.Raised):
        return False
    if error.is_a("JobError") and error.args == wanted.args:
        return True
    if error.is_a("BaseExceptionGroup") and len(error.args) == 2 and isinstance(error.args[1], list):
        return any(_holds(inner, wanted) for inner in error.args[1])
    return False
