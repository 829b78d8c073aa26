"""Checks for exercise 4: collect runs every job, keeps results and errors in completion order."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from graders.check import Fail, check, expect
from graders.probes import BlockingSpy, InFlight, Outcome, Solution, run_virtual
from graders.probes import inputs as rand
from graders.probes.handed import handed
from graders.probes.loop import describe_call_error
from graders.probes.student import location_of_traceback
from graders.probes.values import left_behind, shown, unawaited

HINTS = (
    "Awaiting the jobs one after another runs them one at a time, and letting an exception out "
    "of collect loses every job still running. Start all of them first, then deal with each one "
    "as it finishes - a result or an exception.",
    "asyncio.gather(...) without return_exceptions lets the first failure escape; with it, the "
    "results come back in the order you passed the jobs in, not the order they finished in. "
    "Look at asyncio.as_completed, asyncio.wait or a task's add_done_callback instead.",
    "Whatever hands you the jobs as they finish, await (or read) each one inside try/except: "
    "what it returns goes into the results list, what it raises into the exceptions list.",
)

_sleep = asyncio.sleep


@handed
class JobFailed(Exception):
    """What a failing job raises; each one is a distinct object the checks look for."""


@dataclass
class Job:
    index: int
    delay: float
    value: str
    error: JobFailed | None

    @property
    def name(self) -> str:
        return f"job {self.index}"

    @property
    def seconds(self) -> str:
        return f"{self.delay:,.0f}" if self.delay >= 1000 else f"{self.delay}"

    def describe(self) -> str:
        outcome = f"raises {self.error!r}" if self.error else f"returns {self.value!r}"
        return f"{self.name} ({self.seconds} s, {outcome})"


def _not_in_order(jobs: list[Job]) -> bool:
    return [job.delay for job in jobs] != sorted(job.delay for job in jobs)


def _plan(successes: int = 4, failures: int = 2) -> list[Job]:
    """Jobs with distinct delays, `failures` of them failing, such that neither the successes nor
    the failures finish in the order they were passed in, and the first failure is neither the
    first nor among the last two jobs to finish (so stopping there loses some of them). The order
    they finish in is otherwise drawn at random."""
    count = successes + failures
    while True:
        delays = sorted(rand.distinct_delays(count, 0.5, 5.0))
        first = rand.rng.choice(range(1, min(count - 2, count - failures + 1)))
        failing_ranks = {first, *rand.rng.sample(range(first + 1, count), failures - 1)}
        order = rand.rng.sample(range(count), count)  # position in the list of the rank-th finisher
        jobs = [Job(0, 0.0, "", None) for _ in range(count)]
        for rank, position in enumerate(order):
            failing = rank in failing_ranks
            jobs[position] = Job(
                position, delays[rank], f"{rand.word(4)}-{position}",
                JobFailed(f"job {position} failed: {rand.word(6)}") if failing else None)
        successes_ = [job for job in jobs if job.error is None]
        failures_ = [job for job in jobs if job.error is not None]
        if _not_in_order(successes_) and _not_in_order(failures_):
            return jobs


# Nothing in the task bounds how long a job takes: a fixed case always has jobs slower than any
# time limit collect could have hard-coded (in virtual time, so they cost nothing).
SLOW = 1_000_000.0


def _slow_plan() -> list[Job]:
    """Two quick jobs (one fails) and two very slow ones (one fails), slowest passed first."""
    quick = sorted(rand.distinct_delays(2, 0.5, 5.0))
    plan = [(SLOW, False), (quick[1], False), (quick[0], True), (SLOW / 2, True)]
    return [Job(index, delay, f"{rand.word(4)}-{index}",
                JobFailed(f"job {index} failed: {rand.word(6)}") if failing else None)
            for index, (delay, failing) in enumerate(plan)]


@handed
class Later:
    """An awaitable that is neither a coroutine nor a future: an object with `__await__`."""

    def __init__(self, coroutine: Any) -> None:
        self._coroutine = coroutine

    def __await__(self) -> Any:
        return self._coroutine.__await__()


@dataclass
class Jobs:
    """The awaitables handed to collect, and what happened to each of them."""

    jobs: list[Job] = field(default_factory=_plan)
    in_flight: InFlight = field(default_factory=InFlight)
    finished: list[Job] = field(default_factory=list)
    finished_at: dict[int, float] = field(default_factory=dict)

    cancelled: list[Job] = field(default_factory=list)
    # Set when collect has returned: cancelling what is left then is the grader's cleanup.
    ended_with: list[Job] | None = None

    @property
    def over(self) -> bool:
        return self.ended_with is not None

    def end(self) -> None:
        """collect has returned (or raised): remember which jobs had finished by then."""
        self.ended_with = list(self.finished)

    async def run(self, job: Job) -> str:
        try:
            async with self.in_flight.track(job.name):
                await _sleep(job.delay)
        except asyncio.CancelledError:
            if not self.over:
                self.cancelled.append(job)
            raise
        self.finished.append(job)
        self.finished_at[job.index] = asyncio.get_running_loop().time()
        if job.error is not None:
            raise job.error
        return job.value

    def awaitables(self) -> list[Any]:
        return [self.run(job) for job in self.jobs]

    def mixed_awaitables(self) -> list[Any]:
        """Coroutines, tasks (already started) and plain awaitable objects, in turn. Call it on
        the running loop."""
        kinds = (lambda coroutine: coroutine, asyncio.ensure_future, Later)
        return [kinds[index % 3](self.run(job)) for index, job in enumerate(self.jobs)]

    def names(self, items: list[Any]) -> str:
        """The jobs that produced `items` (results or exceptions), by name."""
        def name(item: Any) -> str:
            job = self.by_error(item) or next(
                (job for job in self.successes if job.value == item), None)
            return job.name if job else repr(item)
        return ", ".join(map(name, items)) or "none"

    @property
    def successes(self) -> list[Job]:
        return [job for job in self.jobs if job.error is None]

    @property
    def failures(self) -> list[Job]:
        return [job for job in self.jobs if job.error is not None]

    def by_error(self, error: object) -> Job | None:
        return next((job for job in self.failures if job.error is error), None)

    def listing(self) -> str:
        return "; ".join(job.describe() for job in self.jobs)


CALL = "collect(jobs)"


def _collect(solution: Solution, jobs: Jobs | None = None,
             limit: float = 120.0) -> tuple[Jobs, Outcome[Any]]:
    collect = solution.function("collect", coroutine=True)
    jobs = jobs or Jobs()

    async def call() -> Any:
        try:
            return await collect(jobs.awaitables())
        finally:
            jobs.end()

    return jobs, run_virtual(call, limit=limit)


def _returned(solution: Solution, jobs: Jobs, outcome: Outcome[Any],
              call: str = CALL) -> tuple[list[Any], list[Any]]:
    """The two lists collect returned, or a Fail saying why there are none."""
    if outcome.error is not None and (escaped := _escaped_job(jobs, outcome.error)) is not None:
        others = len(jobs.jobs) - 1
        first = min(jobs.failures, key=lambda job: job.delay)
        which = "the first failure" if escaped is first else "a failure"
        grouped = (" inside an ExceptionGroup" if isinstance(outcome.error, BaseExceptionGroup)
                   else "")
        cancelled = (f", and {', '.join(job.name for job in jobs.cancelled)} "
                     f"{'was' if len(jobs.cancelled) == 1 else 'were'} cancelled before the end"
                     if jobs.cancelled else "")
        raise Fail(f"{call} let {which} escape: {escaped.name} raised "
                   f"{escaped.error!r} after {escaped.seconds} s and it came out of collect"
                   f"{grouped}, so the results and errors of the {others} other jobs were "
                   f"lost{cancelled}. A failure must end up in the list of exceptions, not be "
                   f"raised. The jobs: {jobs.listing()}.",
                   location_of_traceback(outcome.error.__traceback__))
    if isinstance(outcome.error, TimeoutError) and not outcome.timed_out:
        raise _gave_up(jobs, outcome, call)
    value = outcome.result(call)
    if not (isinstance(value, tuple | list) and len(value) == 2
            and all(isinstance(part, list) for part in value)):
        raise Fail(f"{call} returned {shown(value)}; it should return a tuple of two lists: "
                   f"(results, exceptions).", solution.definition_of("collect"))
    results, errors = value
    if any(unawaited(item) for item in results + errors):
        raise Fail(f"{call} returned coroutines or tasks instead of their results: each one "
                   f"must be awaited to get what it returns or raises (first: "
                   f"{next(filter(None, map(unawaited, results + errors)))}).",
                   solution.definition_of("collect"))
    if any(isinstance(item, BaseException) for item in results):
        raise Fail(f"The results list that {call} returned holds exceptions: {shown(results)}. "
                   f"Exceptions belong in the second list, results in the first.",
                   solution.definition_of("collect"))
    return results, errors


def _gave_up(jobs: Jobs, outcome: Outcome[Any], call: str) -> Fail:
    """collect raised TimeoutError itself (a time limit of its own), while jobs still ran."""
    running = [job for job in jobs.jobs if job not in (jobs.ended_with or [])]
    still = (f", while {', '.join(job.describe() for job in running)} "
             f"{'was' if len(running) == 1 else 'were'} still running" if running else "")
    assert outcome.error is not None
    return Fail(f"{call} raised TimeoutError after {outcome.elapsed:g} s of simulated time"
                f"{still}, so no results or exceptions came back. Nothing in the task limits how "
                f"long a job may take: collect must wait for every job to end, however long it "
                f"takes.", location_of_traceback(outcome.error.__traceback__))


def _escaped_job(jobs: Jobs, error: BaseException) -> Job | None:
    """The job whose exception came out of collect, alone or in an exception group."""
    if isinstance(error, BaseExceptionGroup):
        return next(filter(None, (_escaped_job(jobs, inner) for inner in error.exceptions)), None)
    return jobs.by_error(error)


def _require_everything(solution: Solution, jobs: Jobs, results: list[Any],
                        errors: list[Any], call: str = CALL) -> None:
    values = [job.value for job in jobs.successes]
    strangers = [item for item in results if item not in values]
    strangers += [error for error in errors if jobs.by_error(error) is None]
    if strangers:
        raise Fail(f"{call} returned things no job produced: {shown(strangers)}. Return the "
                   f"values the jobs returned, and the very exception objects they raised.",
                   solution.definition_of("collect"))
    got = [job for job in jobs.successes if job.value in results]
    got += [job for job in jobs.failures if any(error is job.error for error in errors)]
    if len(results) + len(errors) > len(got):
        raise Fail(f"{call} returned {len(results)} results and {len(errors)} exceptions for "
                   f"{len(jobs.successes)} jobs that succeed and {len(jobs.failures)} that fail: "
                   f"some appear more than once.", solution.definition_of("collect"))
    missing = [job for job in jobs.jobs if job not in got]
    if not missing:
        return
    why = _why_missing(jobs, missing, errors)
    raise Fail(f"{call} returned {len(results)} of the {len(jobs.successes)} results and "
               f"{len(errors)} of the {len(jobs.failures)} exceptions: {why}. "
               f"Every job must run to its end and land in one of the two lists. The jobs: "
               f"{jobs.listing()}.", solution.definition_of("collect"))


def _why_missing(jobs: Jobs, missing: list[Job], errors: list[Any]) -> str:
    def names(found: list[Job]) -> str:
        return ", ".join(job.name for job in found)

    cancelled = [job for job in missing if job in jobs.cancelled]
    if cancelled:
        return (f"it cancelled {names(cancelled)} before they could finish - one failure must not "
                f"cancel the others")
    running = [job for job in missing if job not in (jobs.ended_with or [])]
    lost = [job for job in missing if job not in running]
    first_failure = min(jobs.failures, key=lambda job: job.delay)
    if (running and not lost and all(job.delay > first_failure.delay for job in running)
            and any(error is first_failure.error for error in errors)):
        return (f"it stopped at the first error ({first_failure.name} failed after "
                f"{first_failure.seconds} s) and lost the {len(running)} jobs still running")
    parts = [f"it returned while {names(running)} {'was' if len(running) == 1 else 'were'} still "
             f"running"] if running else []
    if lost:
        parts.append(f"{names(lost)} finished but {'is' if len(lost) == 1 else 'are'} in neither "
                     f"list")
    return "; ".join(parts)


@check("collect returns every result and every exception", points=3)
def test_returns_every_result_and_error(solution: Solution) -> None:
    jobs, outcome = _collect(solution)
    results, errors = _returned(solution, jobs, outcome)
    _require_everything(solution, jobs, results, errors)
    jobs, outcome = _collect(solution, Jobs(jobs=_slow_plan()), limit=2 * SLOW)
    call = f"With jobs that take up to {SLOW:,.0f} s, {CALL}"
    results, errors = _returned(solution, jobs, outcome, call)
    _require_everything(solution, jobs, results, errors, call)


# Runs of the order check after the first: each has 8 jobs that succeed and 6 that fail, finishing
# in an order drawn at random. Code whose order does not follow the finishing order (a `done` set)
# gets the exceptions right by luck one time in 720 per run, and 720 ** -3 is below one in a
# million (the results: 40,320 ** -3).
MORE_RUNS, MORE_SUCCESSES, MORE_FAILURES = 3, 8, 6


@check("results and exceptions come in the order they happened", points=2)
def test_results_in_completion_order(solution: Solution) -> None:
    _check_order(solution, Jobs(), "")
    for number in range(2, MORE_RUNS + 2):
        jobs = Jobs(jobs=_plan(MORE_SUCCESSES, MORE_FAILURES))
        _check_order(solution, jobs, f"In run {number} of {MORE_RUNS + 1}, with "
                                     f"{len(jobs.jobs)} jobs, ")


def _check_order(solution: Solution, jobs: Jobs, when: str) -> None:
    jobs, outcome = _collect(solution, jobs)
    results, errors = _returned(solution, jobs, outcome)
    _require_everything(solution, jobs, results, errors)
    finished_results = [job.value for job in jobs.finished if job.error is None]
    finished_errors = [job.error for job in jobs.finished if job.error is not None]
    for kind, verb, got, expected, passed_in in (
        ("results", "finished", results, finished_results, [job.value for job in jobs.successes]),
        ("exceptions", "were raised", errors, finished_errors,
         [job.error for job in jobs.failures]),
    ):
        if _same(got, expected):
            continue
        how = (" - the order they were passed in, not the order they happened in"
               if _same(got, passed_in) else "")
        listing = f" The jobs: {jobs.listing()}." if not when else ""
        raise Fail(f"{when}{CALL} returned the {kind} of {jobs.names(got)}, in that order{how}. "
                   f"They {verb} in the order {jobs.names(expected)}.{listing}",
                   solution.definition_of("collect"))


@check("collect runs every job at the same time", points=3)
def test_runs_everything_at_once(solution: Solution, blocking: BlockingSpy) -> None:
    jobs, outcome = _collect(solution)
    _returned(solution, jobs, outcome)
    if blocking.calls:
        raise Fail(blocking.message(), blocking.calls[0].location)
    most = jobs.in_flight.high_water
    if most < len(jobs.jobs):
        needed = max(job.delay for job in jobs.jobs)
        how = "one at a time" if most <= 1 else f"at most {most} at a time"
        raise Fail(f"The {len(jobs.jobs)} jobs ran {how}: {outcome.elapsed:.1f} s of simulated "
                   f"time; running all of them at the same time needs {needed:.1f} s.",
                   solution.definition_of("collect"), {"timeline": jobs.in_flight.timeline()})


@check("every job is awaited and nothing is left running or unread", points=2)
def test_nothing_left_behind(solution: Solution) -> None:
    jobs, outcome = _collect(solution)
    if outcome.error is None or _escaped_job(jobs, outcome.error) is None:
        outcome.result(CALL)
    left = left_behind(outcome)
    if left:
        raise Fail(f"{CALL} left work behind: {left}.", outcome.first_leak_location())
    started = jobs.in_flight.started
    expect(started == len(jobs.jobs),
           f"{CALL} started {started} jobs; each of the {len(jobs.jobs)} should run exactly once.",
           solution.definition_of("collect"))


@check("collect takes any kind of awaitable, and an empty list", points=1)
def test_any_awaitable_and_none(solution: Solution) -> None:
    collect, where = solution.function("collect", coroutine=True), solution.definition_of("collect")
    outcome = run_virtual(lambda: collect([]))
    if outcome.error is not None and not (outcome.timed_out or outcome.spun):
        raise Fail(f"{describe_call_error('collect([])', outcome.error)} With nothing to run, "
                   f"collect should return ([], []).",
                   location_of_traceback(outcome.error.__traceback__))
    value = outcome.result("collect([])")
    expect(isinstance(value, tuple | list) and list(value) == [[], []],
           f"collect([]) returned {shown(value)}; with nothing to run it should return ([], []).",
           where)
    jobs, call = Jobs(), "collect(jobs) with tasks and other awaitables among the coroutines"

    async def mixed() -> Any:
        try:
            return await collect(jobs.mixed_awaitables())
        finally:
            jobs.end()

    outcome = run_virtual(mixed)
    if isinstance(outcome.error, TypeError):
        # Its text would show the grader's task objects: name the line instead.
        raise Fail(f"When aws holds tasks (already started) and awaitable objects besides "
                   f"coroutines, collect raised TypeError ({_line(outcome.error)}). aws is a list "
                   f"of awaitables: a coroutine, a task, a future or any object with __await__ "
                   f"may be in it, and each must be run and collected.",
                   location_of_traceback(outcome.error.__traceback__))
    results, errors = _returned(solution, jobs, outcome, call)
    _require_everything(solution, jobs, results, errors, call)


# Loop seconds a cancelled collect gets to end (every job of _plan() ends within 5 s).
GRACE = 10.0


@dataclass
class Cancelled:
    """What a collect cancelled midway did."""

    at: float = 0.0  # loop time of the cancellation
    running: int = 0  # jobs still running then
    state: str = ""  # cancelled, returned, raised or running (GRACE later)
    ended_after: float = 0.0  # loop seconds from the cancellation to its end
    value: Any = None
    error: BaseException | None = None


async def _cancel_midway(collect: Any, jobs: Jobs, seen: Cancelled) -> Any:
    """Start collect, cancel it while some jobs have finished and others still run."""
    loop = asyncio.get_running_loop()
    delays = sorted(job.delay for job in jobs.jobs)
    task = asyncio.ensure_future(collect(jobs.awaitables()))
    await asyncio.wait([task], timeout=(delays[2] + delays[3]) / 2)
    if task.done():
        return await task  # it ended (or failed) before any cancellation: other checks judge it
    seen.at, seen.running = loop.time(), len(jobs.jobs) - len(jobs.finished)
    task.cancel()
    await asyncio.wait([task], timeout=GRACE)
    seen.ended_after = loop.time() - seen.at
    if not task.done():
        seen.state = "running"
    elif task.cancelled():
        seen.state = "cancelled"
    elif (error := task.exception()) is not None:
        seen.state, seen.error = "raised", error
    else:
        seen.state, seen.value = "returned", task.result()
    return None


@check("a cancelled collect ends cancelled", points=1)
def test_cancelled_collect_ends_cancelled(solution: Solution) -> None:
    collect, where = solution.function("collect", coroutine=True), solution.definition_of("collect")
    jobs, seen = Jobs(), Cancelled()
    outcome = run_virtual(lambda: _cancel_midway(collect, jobs, seen))
    outcome.result(CALL)
    if not seen.state or seen.state == "cancelled":
        return
    cancelled = (f"{CALL} was cancelled after {seen.at:g} s of simulated time, while "
                 f"{seen.running} of the {len(jobs.jobs)} jobs were still running")
    rule = ("A cancellation is not one of the jobs' exceptions: the code that cancels collect "
            "must see it end cancelled.")
    if seen.state == "running":
        raise Fail(f"{cancelled}, and {GRACE:g} s later it had still not ended. {rule}", where)
    if seen.state == "raised" and seen.error is not None:
        raise Fail(f"{cancelled}, and it raised {seen.error!r} instead of ending cancelled. "
                   f"{rule}", location_of_traceback(seen.error.__traceback__) or where)
    errors = seen.value[1] if isinstance(seen.value, tuple | list) and len(seen.value) == 2 else []
    held = (" - with the CancelledError among its exceptions"
            if isinstance(errors, list) and any(isinstance(error, asyncio.CancelledError)
                                                for error in errors) else "")
    raise Fail(f"{cancelled}, and it carried on: {seen.ended_after:g} s later it returned as if "
               f"nothing had happened{held}. It caught the cancellation. {rule}", where)


def _line(error: BaseException) -> str:
    where = location_of_traceback(error.__traceback__)
    return f"{where.file}, line {where.line}" if where else "in code it called"


def _same(got: list[Any], expected: list[Any]) -> bool:
    return len(got) == len(expected) and all(
        a is b or (not isinstance(a, BaseException) and a == b) for a, b in zip(got, expected, strict=True))
