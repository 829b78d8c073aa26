"""Checks for exercise 11: timeouts stop the work they time out, cleanup survives cancellation,
cancellation is never swallowed, and one failed job cancels its siblings.

Everything runs in virtual time: a timeout of 3 s fires at loop time 3.0 exactly. Each fake
records what happened to it (finished, cancelled, still running) at the moment the student's
function returned or raised, so the verdicts read states, never clocks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from graders.check import Fail, check, expect, record
from graders.probes import BlockingSpy, InFlight, Outcome, Solution, run_virtual
from graders.probes import inputs as rand
from graders.probes.handed import handed
from graders.probes.loop import describe_call_error
from graders.probes.student import location_of_traceback

HINTS = (
    "Each of the three functions has one job around an await: put a limit on it, clean up after "
    "it whatever happens, or stop its siblings when it fails. asyncio has a tool for each; what "
    "happens to the work inside when the limit passes?",
    "A timeout cancels the work it times out: use asyncio.timeout or asyncio.wait_for, not "
    "asyncio.wait (which leaves the work running). Cleanup that must always run belongs in a "
    "`finally` block; `except Exception` does not see CancelledError, and `except BaseException` "
    "must not keep it.",
    "asyncio.TaskGroup cancels and waits for the other tasks when one fails. With gather you "
    "would have to do that yourself: cancel the tasks still running and await them before "
    "raising.",
)

_sleep = asyncio.sleep
TOLERANCE = 1e-3


@handed
class QueryError(Exception):
    """The error the fake database raises."""


@handed
class JobError(Exception):
    """The error a failing job raises."""


# fetch_with_timeout ---------------------------------------------------------------------------


@dataclass
class Fetch:
    """A fetch that answers after `latency` loop seconds; remembers whether it was cancelled."""

    latency: float
    value: str = field(default_factory=lambda: f"page-{rand.word(6)}")
    calls: int = 0
    running: bool = False
    cancelled: bool = False

    async def __call__(self) -> str:
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

    def function(self) -> Callable[[], Awaitable[str]]:
        """What fetch_with_timeout is given: a plain coroutine function (this object's public
        value and latency stay in its closure)."""
        async def fetch() -> str:
            return await self()

        return fetch


@dataclass
class Snapshot:
    """What the fake was doing when the student's function came back."""

    running: bool = False
    at: float = 0.0


def _fetch_with_timeout(solution: Solution) -> Callable[..., Awaitable[str | None]]:
    return solution.function("fetch_with_timeout", coroutine=True)


def _timed(fetch_with_timeout: Callable[..., Awaitable[str | None]], fetch: Fetch, seconds: float,
           snapshot: Snapshot) -> Callable[[], Awaitable[str | None]]:
    async def run() -> str | None:
        try:
            return await fetch_with_timeout(fetch.function(), seconds)
        finally:
            snapshot.running = fetch.running
            snapshot.at = asyncio.get_running_loop().time()

    return run


@check("fetch_with_timeout returns the answer of a fetch that is quick enough", points=1)
def test_returns_a_quick_answer(solution: Solution, blocking: BlockingSpy) -> None:
    fetch_with_timeout = _fetch_with_timeout(solution)
    seconds = rand.delay(3.0, 6.0)
    fetch = Fetch(latency=round(seconds - rand.delay(0.5, 2.0), 1))
    call = f"fetch_with_timeout(fetch, {seconds})"
    outcome = run_virtual(_timed(fetch_with_timeout, fetch, seconds, Snapshot()))
    value = outcome.result(call)
    if blocking.calls:
        raise Fail(blocking.message(), blocking.calls[0].location)
    expect(value == fetch.value,
           f"{call} returned {value!r}; the fetch answered {fetch.value!r} after {fetch.latency} s, "
           f"within the {seconds} s limit.", solution.definition_of("fetch_with_timeout"))
    expect(fetch.calls == 1, f"{call} called fetch {fetch.calls} times; call it once.",
           solution.definition_of("fetch_with_timeout"))
    expect(abs(outcome.elapsed - fetch.latency) < TOLERANCE,
           f"{call} took {outcome.elapsed:.1f} s of simulated time; the fetch answered after "
           f"{fetch.latency} s, so it should return then, not wait for the limit.",
           solution.definition_of("fetch_with_timeout"))


@check("fetch_with_timeout gives up after `seconds`, returns None and stops the fetch", points=3)
def test_gives_up_after_the_timeout(solution: Solution) -> None:
    fetch_with_timeout = _fetch_with_timeout(solution)
    seconds = rand.delay(2.0, 5.0)
    fetch = Fetch(latency=round(seconds + rand.delay(2.0, 6.0), 1))
    call = f"fetch_with_timeout(fetch, {seconds})"
    snapshot = Snapshot()
    outcome = run_virtual(_timed(fetch_with_timeout, fetch, seconds, snapshot))
    where = solution.definition_of("fetch_with_timeout")
    if isinstance(outcome.error, TimeoutError):
        raise Fail(f"{call} raised TimeoutError after {outcome.elapsed:.1f} s; when the fetch "
                   f"takes too long it should catch the timeout and return None.",
                   location_of_traceback(outcome.error.__traceback__) or where)
    value = outcome.result(call)
    if value is not None:
        raise Fail(f"{call} returned {value!r} after {outcome.elapsed:.1f} s of simulated time: "
                   f"it waited for a fetch that takes {fetch.latency} s. It should give up after "
                   f"{seconds} s and return None.", where)
    expect(abs(outcome.elapsed - seconds) < TOLERANCE,
           f"{call} returned None after {outcome.elapsed:.1f} s of simulated time; it should give "
           f"up after {seconds} s (the fetch would take {fetch.latency} s).", where)
    if snapshot.running:
        raise Fail(f"{call} returned None after {seconds} s, but the fetch was still running: "
                   f"a timed-out fetch must be cancelled, not left behind.",
                   outcome.first_leak_location() or where)
    expect(fetch.cancelled,
           f"{call} returned None, but the fetch never saw a cancellation: it must be stopped.",
           where)
    outcome.require_clean(call)


@check("fetch_with_timeout lets a cancellation from outside through", points=2)
def test_lets_cancellation_through(solution: Solution) -> None:
    fetch_with_timeout = _fetch_with_timeout(solution)
    seconds = rand.delay(8.0, 12.0)
    fetch = Fetch(latency=round(seconds + rand.delay(5.0, 10.0), 1))
    cancel_at = rand.delay(1.0, 4.0)
    call = f"fetch_with_timeout(fetch, {seconds})"
    snapshot = Snapshot()
    outcome = run_virtual(_cancelled_after(lambda: fetch_with_timeout(fetch.function(), seconds), cancel_at,
                                           lambda: setattr(snapshot, "running", fetch.running)))
    _expect_cancelled(outcome.result(f"cancelling {call}"), call,
                      solution.definition_of("fetch_with_timeout"))
    expect(not snapshot.running,
           f"{call} was cancelled after {cancel_at} s and ended, but the fetch inside was still "
           f"running: cancelling fetch_with_timeout must stop the fetch too.",
           outcome.first_leak_location() or solution.definition_of("fetch_with_timeout"))


@dataclass
class Cancelled:
    """The student's call, run as a task and cancelled from outside after `at` seconds."""

    task: asyncio.Task[Any]
    at: float
    ended_before: bool  # it had already returned or raised when the cancel came


def _cancelled_after(start: Callable[[], Awaitable[Any]], delay: float,
                     on_end: Callable[[], None] = lambda: None
                     ) -> Callable[[], Awaitable[Cancelled]]:
    """Start the student's call as a task, cancel it after `delay`, wait until it has ended;
    `on_end` reads the fakes' state at that moment, before the run stops what is left over."""

    async def run() -> Cancelled:
        async def target() -> Any:
            return await start()

        task = asyncio.create_task(target())
        await _sleep(delay)
        ended_before = task.done()
        task.cancel()
        await asyncio.wait([task])
        on_end()
        return Cancelled(task, delay, ended_before)

    return run


def _expect_cancelled(cancelled: Cancelled, call: str, where: Any) -> None:
    """Fail unless the cancelled call ended cancelled (CancelledError went on to its caller)."""
    task = cancelled.task
    if task.cancelled():
        return
    error = task.exception()
    if cancelled.ended_before:
        if error is not None:
            raise Fail(describe_call_error(call, error), location_of_traceback(error.__traceback__))
        raise Fail(f"{call} returned {task.result()!r} after less than {cancelled.at} s, before "
                   f"the work it waits for was done.", where)
    what = f"{call}, cancelled after {cancelled.at} s,"
    if error is None:
        raise Fail(f"{what} returned {task.result()!r} instead of ending cancelled: it swallowed "
                   f"the CancelledError. Cleanup may run, but the cancellation must go on.",
                   where)
    raise Fail(f"{what} should end cancelled, but "
               f"{describe_call_error('it', error).removeprefix('it ')}",
               location_of_traceback(error.__traceback__) or where)


# run_query ------------------------------------------------------------------------------------


@handed
class Connection:
    """A connection run_query gets from the pool: `execute(sql)`, and nothing that leads to the
    pool's records (they stay in a closure)."""

    def __init__(self, execute: Callable[[str], Awaitable[str]]) -> None:
        self._execute = execute

    async def execute(self, sql: str) -> str:
        return await self._execute(sql)

    def __repr__(self) -> str:
        return "connection"


@handed
class Pool:
    """The pool run_query gets: `acquire()` and `release(connection)`, nothing more."""

    def __init__(self, acquire: Callable[[], Awaitable[Connection]],
                 release: Callable[[Any], None]) -> None:
        self._acquire, self._release = acquire, release

    async def acquire(self) -> Connection:
        return await self._acquire()

    def release(self, connection: Any) -> None:
        self._release(connection)

    def __repr__(self) -> str:
        return "pool"


@dataclass
class FakePool:
    """Hands out connections and counts how often each comes back. run_query gets `handed()`;
    connection number n is `handed_out[n - 1]`."""

    latency: float = field(default_factory=lambda: rand.delay(1.0, 3.0))
    error: Exception | None = None
    salt: str = field(default_factory=lambda: rand.word(5))
    handed_out: list[Connection] = field(default_factory=list)
    returned: list[int] = field(default_factory=list)
    strangers: int = 0
    executing: asyncio.Event = field(default_factory=asyncio.Event)
    running_queries: list[int] = field(default_factory=list)  # connections running a query
    too_early: int = 0  # connections given back before their query had ended (or begun)

    def handed(self) -> Pool:
        return Pool(lambda: self.acquire(), lambda connection: self.release(connection))

    def _query_done(self, number: int) -> bool:
        return self.executing.is_set() and number not in self.running_queries

    async def acquire(self) -> Connection:
        await _sleep(0.1)
        number = len(self.handed_out) + 1
        connection = Connection(lambda sql: self._execute(number, sql))
        self.handed_out.append(connection)
        return connection

    async def _execute(self, number: int, sql: str) -> str:
        self.executing.set()
        self.running_queries.append(number)
        try:
            await _sleep(self.latency)
        finally:
            self.running_queries.remove(number)
        if self.error is not None:
            raise self.error
        return self.answer(sql)

    def release(self, connection: Any) -> None:
        number = next((index for index, mine in enumerate(self.handed_out, 1)
                       if connection is mine), None)
        if number is not None:
            self.returned.append(number)
            if not self._query_done(number):
                self.too_early += 1
        else:
            self.strangers += 1

    def answer(self, sql: str) -> str:
        return f"{len(sql)} rows ({self.salt})"

    def times_back(self) -> int:
        return len(self.returned)


def _run_query(solution: Solution) -> Callable[..., Awaitable[str]]:
    return solution.function("run_query", coroutine=True)


def _sql() -> str:
    return f"SELECT * FROM {rand.word(6)}"


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
def test_query_releases_its_connection(solution: Solution) -> None:
    run_query, sql = _run_query(solution), _sql()
    where = solution.definition_of("run_query")
    pool = FakePool()
    value = run_virtual(lambda: run_query(pool.handed(), sql)).result(f"run_query(pool, {sql!r})")
    expect(value == pool.answer(sql),
           f"run_query(pool, {sql!r}) returned {value!r}; the query answered "
           f"{pool.answer(sql)!r}.", where)
    _expect_given_back_once(pool, "When the query succeeded", where)

    error = QueryError(f"table {rand.word(6)} is locked")
    pool = FakePool(error=error)
    outcome = run_virtual(lambda: run_query(pool.handed(), sql))
    if outcome.error is not error:
        if outcome.error is None:
            raise Fail(f"The query raised QueryError, but run_query returned {outcome.value!r}: "
                       f"the error must reach the caller.", where)
        outcome.result(f"run_query(pool, {sql!r})")
    _expect_given_back_once(pool, "When the query raised QueryError", where)


@check("run_query gives its connection back when cancelled, and stays cancelled", points=3)
def test_query_cleans_up_when_cancelled(solution: Solution) -> None:
    run_query, sql = _run_query(solution), _sql()
    where = solution.definition_of("run_query")
    pool = FakePool(latency=rand.delay(5.0, 9.0))
    cancel_at = rand.delay(1.0, 4.0)
    call = f"run_query(pool, {sql!r})"
    outcome = run_virtual(_cancelled_after(lambda: run_query(pool.handed(), sql), cancel_at))
    cancelled = outcome.result(f"cancelling {call}")
    if cancelled.ended_before or not pool.executing.is_set():
        _expect_cancelled(cancelled, call, where)
        raise Fail(f"{call} never ran the query.", where)
    _expect_given_back_once(pool, f"When run_query was cancelled after {cancel_at} s, during "
                                  f"the query", where)
    _expect_cancelled(cancelled, call, where)


# run_all --------------------------------------------------------------------------------------


@dataclass
class Board:
    """Jobs with their own latencies; records each job's state and task."""

    latencies: list[float]
    failing: int | None = None
    results: list[str] = field(default_factory=list)
    states: dict[int, str] = field(default_factory=dict)
    tasks: dict[int, asyncio.Task[Any] | None] = field(default_factory=dict)
    calls: list[int] = field(default_factory=list)
    in_flight: InFlight = field(default_factory=InFlight)
    error: JobError = field(default_factory=lambda: JobError(f"job failed: {rand.word(6)}"))

    def __post_init__(self) -> None:
        self.results = [f"job{index}-{rand.word(4)}" for index in range(len(self.latencies))]

    def jobs(self) -> list[Callable[[], Awaitable[str]]]:
        return [self._job(index) for index in range(len(self.latencies))]

    def _job(self, index: int) -> Callable[[], Awaitable[str]]:
        async def job() -> str:
            self.calls.append(index)
            self.states[index] = "running"
            self.tasks[index] = asyncio.current_task()
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

        job.__qualname__ = f"job{index}"
        return job


def _run_all(solution: Solution, board: Board) -> tuple[Outcome[list[str]], dict[int, str], list[int]]:
    run_all = solution.function("run_all", coroutine=True)
    seen: dict[int, str] = {}
    cancelling: list[int] = []

    async def run() -> list[str]:
        try:
            return await run_all(board.jobs())
        finally:
            seen.update(board.states)
            for index, state in board.states.items():
                task = board.tasks.get(index)
                if state == "running" and task is not None and task.cancelling():
                    cancelling.append(index)

    return run_virtual(run), seen, cancelling


# Jobs in the fixed case of the order check, ending in the reverse of their order. A set of tasks
# (asyncio.wait's `done`) comes out in the order of the jobs by luck, with the drawn task hashes,
# about once in 40 for the random case's 4-6 jobs, and for 12 tasks under 1e-7 (none in 3e7
# draws; about 1e-8 going by 1/12! and the excess measured for 10): together well below one in
# a million.
REVERSED_JOBS = 12


@check("run_all runs the jobs at the same time and returns their results in order", points=2)
def test_run_all_returns_results(solution: Solution) -> None:
    count = rand.rng.randint(4, 6)
    latencies = sorted(rand.distinct_delays(count, 1.0, 5.0), reverse=True)
    latencies[1:] = rand.rng.sample(latencies[1:], count - 1)  # the first job ends last
    reversed_order = sorted(rand.distinct_delays(REVERSED_JOBS, 1.0, 5.0), reverse=True)
    for board in (Board(latencies=latencies), Board(latencies=reversed_order)):
        _expect_results_in_order(solution, board)
    where = solution.definition_of("run_all")
    empty, _, _ = _run_all(solution, Board(latencies=[]))
    value = empty.result("run_all([])")
    expect(value == [], f"run_all([]) returned {value!r}; with no jobs the list of results is "
                        f"empty: [].", where)


def _expect_results_in_order(solution: Solution, board: Board) -> None:
    count = len(board.latencies)
    outcome, _, _ = _run_all(solution, board)
    call = f"run_all(<{count} jobs>)"
    record(timeline=board.in_flight.timeline())
    value = outcome.result(call)
    where = solution.definition_of("run_all")
    expect(sorted(board.calls) == list(range(count)),
           f"{call} started the jobs {board.calls}; it should start each of the {count} once.",
           where)
    most = board.in_flight.high_water
    if most < count:
        how = "one at a time" if most <= 1 else f"at most {most} at a time"
        raise Fail(f"{call} ran the jobs {how}: {outcome.elapsed:.1f} s of simulated time; run "
                   f"together they need {max(board.latencies):.1f} s.", where)
    expect(isinstance(value, list) and value == board.results,
           f"{call} returned {value!r}; expected {board.results!r} (each job's result, in the "
           f"order of the jobs, as a list).", where)
    outcome.require_clean(call)


@check("when one job fails, run_all cancels the others, waits for them, and raises", points=3)
def test_run_all_cancels_the_rest_on_failure(solution: Solution) -> None:
    # First a failing job that is not first in the list and fails before the first job ends
    # (code that awaits the jobs in list order notices it late, every run); then any order.
    for first_ends_last in (True, False):
        _expect_cancels_the_rest(solution, *_failing_board(first_ends_last))


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


def _expect_cancels_the_rest(solution: Solution, board: Board, failing: int) -> None:
    latencies, count = board.latencies, len(board.latencies)
    outcome, seen, cancelling = _run_all(solution, board)
    record(timeline=board.in_flight.timeline())
    call = f"run_all(<{count} jobs>)"
    where = solution.definition_of("run_all")
    fail_at = latencies[failing]
    if outcome.error is None and not outcome.timed_out and not outcome.spun:
        raise Fail(f"Job {failing} raised JobError after {fail_at} s, but {call} returned "
                   f"{outcome.value!r} instead of raising the error.", where)
    if not _holds(outcome.error, board.error):
        outcome.result(call)  # spun, deadlocked or cancelled: say so
        raise Fail(f"Job {failing} raised JobError after {fail_at} s, but {call} raised "
                   f"{describe_call_error('', outcome.error).removeprefix(' raised ')} instead; "
                   f"it should raise the job's error (or an ExceptionGroup that holds it).",
                   location_of_traceback(outcome.error.__traceback__) or where)  # type: ignore[union-attr]
    running = sorted(index for index, state in seen.items() if state == "running")
    if running:
        waiting = [index for index in running if index in cancelling]
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
                   f"end and raised only after {outcome.elapsed:.1f} s: the other jobs must be "
                   f"cancelled as soon as one fails.", where)
    expect(abs(outcome.elapsed - fail_at) < TOLERANCE,
           f"Job {failing} failed after {fail_at} s, but {call} raised only after "
           f"{outcome.elapsed:.1f} s of simulated time.", where)


def _holds(error: BaseException | None, wanted: BaseException) -> bool:
    if error is wanted:
        return True
    if isinstance(error, BaseExceptionGroup):
        return any(_holds(inner, wanted) for inner in error.exceptions)
    return False
