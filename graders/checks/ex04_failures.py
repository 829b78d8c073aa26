"""Checks for exercise 4: collect runs every job, keeps results and errors in completion order.

The student's code runs in a process of its own; the jobs live on the judge's side: collect gets
the coroutines of a world object's method (`wire.CallRef`), and each job runs, fails or is
cancelled on the judge's clock, which records when each one started and ended. Values come back
rebuilt as plain data; a job's exception comes back as its type's name and arguments
(`wire.Raised`), matched to the job that raised it. Evidence each check passes on is in
EVIDENCE; what the submission's side reports (a time.sleep on the loop, tasks left running,
exceptions never retrieved, when its coroutine ended) can only cost points.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, ClassVar

from graders.check import Fail, check, expect, expect_done_when_needed, falsy_result
from graders.probes import InFlight
from graders.probes import inputs as rand
from graders.probes.judge import Call, Handed, Remote, Run, Submission, describe_raised
from graders.probes.values import left_behind, shown, unawaited
from graders.results import Location
from graders.trust import wire

HINTS = {
    "returns_every_result_and_error": (
        "Start every job first, then deal with each one as it finishes - a result or an "
        "exception - until all of them have. Letting an exception out of collect loses every "
        "job still running, and so does a time limit. Every job ends in one of the two lists: "
        "what it returned in the first, the exception it raised (the exception object itself, "
        "of any type) in the second.",
        "asyncio.gather(...) without return_exceptions lets the first failure escape, and a "
        "TaskGroup cancels the other jobs when one fails. Look at asyncio.as_completed, "
        "asyncio.wait or a task's add_done_callback instead.",
        "Whatever hands you the jobs as they finish, await (or read) each one inside try/except: "
        "what it returns goes into the results list, what it raises into the exceptions list.",
    ),
    "results_in_completion_order": (
        "Both lists are in the order the jobs finished, not the order you were given them.",
        "gather with return_exceptions=True gives the order you passed the jobs in, and the "
        "`done` set of asyncio.wait has no order at all. asyncio.as_completed hands them to you "
        "as they finish.",
    ),
    "runs_everything_at_once": (
        "Awaiting the jobs one after another, each inside its own try/except, gives the right "
        "lists but runs them one at a time. Hand all of them to the event loop before you wait "
        "for the first.",
    ),
    "nothing_left_behind": (
        "When collect returns, every job has finished and its result or exception has been read: "
        "returning at the first failure leaves the others running, or their exceptions unread.",
    ),
    "any_awaitable_and_none": (
        "The jobs may be coroutines, tasks or futures, and the list may be empty. "
        "asyncio.create_task takes only coroutines; asyncio.ensure_future takes any awaitable. "
        "With no jobs, collect returns two empty lists without waiting for anything.",
    ),
    "cancelled_collect_ends_cancelled": (
        "When collect itself is cancelled, the CancelledError must go on out of it. Catch "
        "Exception around each job, not BaseException: CancelledError is not one of the jobs' "
        "errors, and it does not belong in the exceptions list.",
    ),
}

EVIDENCE = {
    "returns_every_result_and_error": "the two lists returned, rebuilt as plain data, holding "
                                      "each job's value and each job's exception (its type and "
                                      "arguments) once, and the world saw every job run to its "
                                      "end before collect returned (twice: once with jobs of "
                                      "1,000,000 s)",
    "results_in_completion_order": "the order of the returned lists, against the order the "
                                   "world saw the jobs end on the judge's clock (4 runs)",
    "runs_everything_at_once": "the world saw all the jobs running at once, a heartbeat on "
                               "collect's loop was never held up, and the call took no longer "
                               "than the slowest job on the judge's clock",
    "nothing_left_behind": "the world saw each job started exactly once and ended (run to its "
                           "end, or cancelled by collect) before collect returned: none still "
                           "running",
    "any_awaitable_and_none": "collect([]) returned ([], []), and with tasks and objects with "
                              "__await__ among the coroutines, the lists returned hold every "
                              "job's value and exception, each job run to its end in the world",
    "cancelled_collect_ends_cancelled": "collect, started as a task by the judge's script and "
                                        "cancelled by it while jobs still ran, ended cancelled "
                                        "at once: the wait's answer came with no job run to its "
                                        "end in the world after the cancellation",
}


class JobFailed(Exception):
    """What a failing job raises (on the judge's side); the student's code gets an exception of
    the same name and arguments, and returns it as a `wire.Raised`, matched by both."""


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

    def made(self, item: Any) -> bool:
        """Whether `item`, as collect returned it (plain data), is what this job produced: its
        value, or its exception (the same type's name and arguments)."""
        if self.error is None:
            return type(item) is str and item == self.value
        return (isinstance(item, wire.Raised) and item.type_name == type(self.error).__name__
                and item.args == self.error.args)


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


@dataclass(eq=False)
class Jobs(Handed):
    """The jobs handed to collect, on the judge's side, and what happened to each of them: collect
    gets the coroutine of `run(index)` for each job (`awaitables`)."""

    name: ClassVar[str] = "Jobs"
    methods: ClassVar[dict[str, str]] = {"run": "async"}

    jobs: list[Job] = field(default_factory=_plan)
    in_flight: InFlight = field(default_factory=InFlight)
    finished: list[Job] = field(default_factory=list)

    cancelled: list[Job] = field(default_factory=list)
    # Set when the submission says collect has ended (a self-report, for messages): cancelling
    # what is left then is its runtime's cleanup, not collect's doing.
    ended_with: list[Job] | None = None
    # The jobs the world saw run to their end by the time collect's answer came (the judge's).
    answered_with: list[Job] = field(default_factory=list)

    @property
    def over(self) -> bool:
        return self.ended_with is not None

    def end(self) -> None:
        """collect has returned (or raised): remember which jobs had finished by then."""
        if self.ended_with is None:
            self.ended_with = list(self.finished)

    def answered(self) -> None:
        """collect's answer came: what the world saw by then."""
        self.end()
        self.answered_with = list(self.finished)

    async def run(self, call: Call, index: Any) -> str:
        if type(index) is not int or not 0 <= index < len(self.jobs):
            raise TypeError("no such job")
        job = self.jobs[index]
        try:
            async with self.in_flight.track(job.name):
                await asyncio.sleep(job.delay)
        except asyncio.CancelledError:
            if not self.over:
                self.cancelled.append(job)
            raise
        self.finished.append(job)
        if job.error is not None:
            raise job.error
        return job.value

    def awaitables(self) -> list[wire.CallRef]:
        return [wire.CallRef(self, "run", (job.index,)) for job in self.jobs]

    def mixed_awaitables(self) -> list[wire.CallRef]:
        """Coroutines, tasks (already started) and plain awaitable objects, in turn."""
        kinds = ("coroutine", "task", "awaitable")
        return [wire.CallRef(self, "run", (job.index,), kinds[index % 3])
                for index, job in enumerate(self.jobs)]

    def job_of(self, item: Any) -> Job | None:
        """The job that produced `item` (a value or an exception, as collect returned it)."""
        return next((job for job in self.jobs if job.made(item)), None)

    def names(self, items: list[Any]) -> str:
        """The jobs that produced `items` (results or exceptions), by name."""
        def name(item: Any) -> str:
            job = self.job_of(item)
            return job.name if job else _item(item)
        return ", ".join(map(name, items)) or "none"

    @property
    def successes(self) -> list[Job]:
        return [job for job in self.jobs if job.error is None]

    @property
    def failures(self) -> list[Job]:
        return [job for job in self.jobs if job.error is not None]

    def by_error(self, error: Any) -> Job | None:
        return next((job for job in self.failures if job.made(error)), None)

    def listing(self) -> str:
        return "; ".join(job.describe() for job in self.jobs)

    def __repr__(self) -> str:
        return "jobs"


def _item(item: Any) -> str:
    """An item collect returned, for a message: an exception as its type and arguments."""
    if isinstance(item, wire.Raised):
        return f"{item.type_name}({', '.join(map(repr, item.args))})"
    return shown(item)


def _items(items: list[Any], width: int = 80) -> str:
    text = f"[{', '.join(map(_item, items))}]"
    return text if len(text) <= width else text[: width - 3] + "..."


CALL = "collect(jobs)"
# Simulated seconds between the heartbeat's beats (jobs take 0.5 to 5 s).
BEAT = 0.25


def _as_drawn_before() -> None:
    """The draw run_virtual made in the check's own process for each run, before the student's
    code ran in a process of its own (its tasks' hashes): made here too, so that the data each
    check draws for a file stays what it was."""
    rand.rng.getrandbits(64)


def _collect(submission: Submission, jobs: Jobs | None = None, limit: float = 120.0,
             call: str = CALL, mixed: bool = False,
             heartbeat: float | None = None) -> tuple[Jobs, Run]:
    jobs = jobs or Jobs()
    _as_drawn_before()
    aws = jobs.mixed_awaitables() if mixed else jobs.awaitables()
    run = submission.call("collect", aws, coroutine=True, call=call, limit=limit,
                          on_end=jobs.end, heartbeat=heartbeat)
    jobs.answered()
    return jobs, run


def _where(raised: wire.Raised) -> Location | None:
    """Where student code raised `raised`, as the submission said."""
    return Location(*raised.location) if raised.location else None


def _returned(submission: Submission, jobs: Jobs, run: Run,
              call: str = CALL) -> tuple[list[Any], list[Any]]:
    """The two lists collect returned, or a Fail saying why there are none."""
    raised = run.raised
    if raised is not None and (escaped := _escaped_job(jobs, raised)) is not None:
        others = len(jobs.jobs) - 1
        first = min(jobs.failures, key=lambda job: job.delay)
        which = "the first failure" if escaped is first else "a failure"
        grouped = " inside an ExceptionGroup" if raised.is_a("BaseExceptionGroup") else ""
        cancelled = (f", and {', '.join(job.name for job in jobs.cancelled)} "
                     f"{'was' if len(jobs.cancelled) == 1 else 'were'} cancelled before the end"
                     if jobs.cancelled else "")
        raise Fail(f"{call} let {which} escape: {escaped.name} raised "
                   f"{escaped.error!r} after {escaped.seconds} s and it came out of collect"
                   f"{grouped}, so the results and errors of the {others} other jobs were "
                   f"lost{cancelled}. A failure must end up in the list of exceptions, not be "
                   f"raised. The jobs: {jobs.listing()}.", _where(raised))
    if raised is not None and raised.is_a("TimeoutError") and not run.timed_out:
        raise _gave_up(jobs, run, raised, call)
    value = run.result(call)
    if not (type(value) in (tuple, list) and len(value) == 2
            and all(type(part) is list for part in value)):
        raise Fail(f"{call} returned {shown(value)}; it should return a tuple of two lists: "
                   f"(results, exceptions).", submission.definition_of("collect"))
    results, errors = value
    if any(unawaited(item) for item in results + errors):
        raise Fail(f"{call} returned coroutines or tasks instead of their results: each one "
                   f"must be awaited to get what it returns or raises (first: "
                   f"{next(filter(None, map(unawaited, results + errors)))}).",
                   submission.definition_of("collect"))
    if any(isinstance(item, wire.Raised) for item in results):
        raise Fail(f"The results list that {call} returned holds exceptions: {_items(results)}. "
                   f"Exceptions belong in the second list, results in the first.",
                   submission.definition_of("collect"))
    return results, errors


def _gave_up(jobs: Jobs, run: Run, raised: wire.Raised, call: str) -> Fail:
    """collect raised TimeoutError itself (a time limit of its own), while jobs still ran."""
    running = [job for job in jobs.jobs if job not in (jobs.ended_with or [])]
    still = (f", while {', '.join(job.describe() for job in running)} "
             f"{'was' if len(running) == 1 else 'were'} still running" if running else "")
    return Fail(f"{call} raised TimeoutError after {run.elapsed:g} s of simulated time"
                f"{still}, so no results or exceptions came back. Nothing in the task limits how "
                f"long a job may take: collect must wait for every job to end, however long it "
                f"takes.", _where(raised))


def _escaped(jobs: Jobs, run: Run) -> bool:
    """Whether a job's exception came out of collect (the defect 'collect returns every result
    and every exception' names): checks about something else judge what the world saw."""
    return run.raised is not None and _escaped_job(jobs, run.raised) is not None


def _escaped_job(jobs: Jobs, raised: wire.Raised) -> Job | None:
    """The job whose exception came out of collect, alone or in an exception group."""
    if raised.is_a("BaseExceptionGroup"):
        inner = raised.args[1] if len(raised.args) > 1 and type(raised.args[1]) is list else []
        return next(filter(None, (_escaped_job(jobs, item) for item in inner
                                  if isinstance(item, wire.Raised))), None)
    return jobs.by_error(raised)


def _require_everything(submission: Submission, jobs: Jobs, results: list[Any],
                        errors: list[Any], call: str = CALL) -> None:
    strangers = [item for item in results
                 if not any(job.made(item) for job in jobs.successes)]
    strangers += [error for error in errors if jobs.by_error(error) is None]
    if strangers:
        raise Fail(f"{call} returned things no job produced: {_items(strangers)}. Return the "
                   f"values the jobs returned, and the very exception objects they raised.",
                   submission.definition_of("collect"))
    got = [job for job in jobs.successes if any(job.made(item) for item in results)]
    got += [job for job in jobs.failures if any(job.made(error) for error in errors)]
    if len(results) + len(errors) > len(got):
        raise Fail(f"{call} returned {len(results)} results and {len(errors)} exceptions for "
                   f"{len(jobs.successes)} jobs that succeed and {len(jobs.failures)} that fail: "
                   f"some appear more than once.", submission.definition_of("collect"))
    missing = [job for job in jobs.jobs if job not in got]
    if missing:
        why = _why_missing(jobs, missing, errors)
        empty = next((job for job in missing if job.error is None and job.value == ""), None)
        if empty is not None and empty in jobs.answered_with:
            why += f" ({falsy_result(empty.name)})"
        raise Fail(f"{call} returned {len(results)} of the {len(jobs.successes)} results and "
                   f"{len(errors)} of the {len(jobs.failures)} exceptions: {why}. "
                   f"Every job must run to its end and land in one of the two lists. The jobs: "
                   f"{jobs.listing()}.", submission.definition_of("collect"))
    # The data is drawn from the file's seed: what came back must have come from running them.
    unseen = [job for job in jobs.jobs if job not in jobs.answered_with]
    if unseen:
        raise Fail(f"{call} returned what every job produces, but "
                   f"{', '.join(job.name for job in unseen)} never ran to its end: the results "
                   f"and exceptions must come from running the jobs. The jobs: "
                   f"{jobs.listing()}.", submission.definition_of("collect"))


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
            and any(first_failure.made(error) for error in errors)):
        return (f"it stopped at the first error ({first_failure.name} failed after "
                f"{first_failure.seconds} s) and lost the {len(running)} jobs still running")
    parts = [f"it returned while {names(running)} {'was' if len(running) == 1 else 'were'} still "
             f"running"] if running else []
    if lost:
        parts.append(f"{names(lost)} finished but {'is' if len(lost) == 1 else 'are'} in neither "
                     f"list")
    return "; ".join(parts)


@check("collect returns every result and every exception", points=3)
def test_returns_every_result_and_error(submission: Submission) -> None:
    jobs, run = _collect(submission)
    results, errors = _returned(submission, jobs, run)
    _require_everything(submission, jobs, results, errors)
    call = f"With jobs that take up to {SLOW:,.0f} s, {CALL}"
    jobs, run = _collect(submission, Jobs(jobs=_slow_plan()), limit=2 * SLOW, call=call)
    results, errors = _returned(submission, jobs, run, call)
    _require_everything(submission, jobs, results, errors, call)
    # A job that returns '': falsy, and as real a result as any other.
    jobs = Jobs()
    rand.rng.choice(jobs.successes).value = ""
    jobs, run = _collect(submission, jobs)
    results, errors = _returned(submission, jobs, run)
    _require_everything(submission, jobs, results, errors)


# Runs of the order check after the first: each has 8 jobs that succeed and 6 that fail, finishing
# in an order drawn at random. Code whose order does not follow the finishing order (a `done` set)
# gets the exceptions right by luck one time in 720 per run, and 720 ** -3 is below one in a
# million (the results: 40,320 ** -3).
MORE_RUNS, MORE_SUCCESSES, MORE_FAILURES = 3, 8, 6


@check("results and exceptions come in the order they happened", points=2)
def test_results_in_completion_order(submission: Submission) -> None:
    _check_order(submission, Jobs(), "")
    for number in range(2, MORE_RUNS + 2):
        jobs = Jobs(jobs=_plan(MORE_SUCCESSES, MORE_FAILURES))
        _check_order(submission, jobs, f"In run {number} of {MORE_RUNS + 1}, with "
                                       f"{len(jobs.jobs)} jobs, ")


def _check_order(submission: Submission, jobs: Jobs, when: str) -> None:
    jobs, run = _collect(submission, jobs)
    results, errors = _returned(submission, jobs, run)
    _require_everything(submission, jobs, results, errors)
    for kind, verb, got, failing in (("results", "finished", results, False),
                                     ("exceptions", "were raised", errors, True)):
        returned = [jobs.job_of(item) for item in got]
        happened = [job for job in jobs.answered_with if (job.error is not None) == failing]
        if returned == happened:
            continue
        passed_in = jobs.failures if failing else jobs.successes
        how = (" - the order they were passed in, not the order they happened in"
               if returned == passed_in else "")
        listing = f" The jobs: {jobs.listing()}." if not when else ""
        raise Fail(f"{when}{CALL} returned the {kind} of {jobs.names(got)}, in that order{how}. "
                   f"They {verb} in the order {', '.join(job.name for job in happened)}."
                   f"{listing}", submission.definition_of("collect"))


@check("collect runs every job at the same time", points=3)
def test_runs_everything_at_once(submission: Submission) -> None:
    jobs, run = _collect(submission, heartbeat=BEAT)
    if not _escaped(jobs, run):  # a failure that escaped is the first check's: the jobs ran
        _returned(submission, jobs, run)
    if run.blocking:
        raise Fail(run.blocking_message(), run.blocking_location())
    if run.stall > 1e-6:
        raise Fail(run.stall_message(CALL), submission.definition_of("collect"))
    most = jobs.in_flight.high_water
    if most < len(jobs.jobs):
        needed = max(job.delay for job in jobs.jobs)
        how = "one at a time" if most <= 1 else f"at most {most} at a time"
        raise Fail(f"The {len(jobs.jobs)} jobs ran {how}: {run.elapsed:.1f} s of simulated "
                   f"time; running all of them at the same time needs {needed:.1f} s.",
                   submission.definition_of("collect"), {"timeline": jobs.in_flight.timeline()})
    # All in flight at once is not all: collect is done when the slowest job is.
    needed = max(job.delay for job in jobs.jobs)
    if not _escaped(jobs, run):
        expect_done_when_needed(
            run.elapsed, needed,
            f"The {len(jobs.jobs)} jobs ran at the same time, but {CALL} returned after "
            f"{run.elapsed:.1f} s of simulated time; the slowest job takes {needed:.1f} s, and "
            f"collect is done when it is", "the jobs need", submission.definition_of("collect"),
            {"timeline": jobs.in_flight.timeline()})


@check("every job is awaited and nothing is left running or unread", points=2)
def test_nothing_left_behind(submission: Submission) -> None:
    jobs, run = _collect(submission)
    if not _escaped(jobs, run):
        run.result(CALL)
    left = left_behind(run)
    if left:
        raise Fail(f"{CALL} left work behind: {left}.", run.first_leak_location())
    started = jobs.in_flight.started
    expect(started == len(jobs.jobs),
           f"{CALL} started {started} jobs; each of the {len(jobs.jobs)} should run exactly once.",
           submission.definition_of("collect"))
    # A job collect cancelled has ended: losing it is the first check's defect, not a leak.
    unfinished = [job for job in jobs.jobs
                  if job not in jobs.answered_with and job not in jobs.cancelled]
    expect(not unfinished,
           f"{CALL} left work behind: {', '.join(job.name for job in unfinished)} "
           f"{'was' if len(unfinished) == 1 else 'were'} still running when it returned. Every "
           f"job must run to its end before collect returns.",
           submission.definition_of("collect"))


@check("collect takes any kind of awaitable, and an empty list", points=1)
def test_any_awaitable_and_none(submission: Submission) -> None:
    where = submission.definition_of("collect")
    _as_drawn_before()
    run = submission.call("collect", [], coroutine=True, call="collect([])")
    if run.raised is not None and not (run.timed_out or run.spun):
        raise Fail(f"{describe_raised('collect([])', run.raised)} With nothing to run, "
                   f"collect should return ([], []).", _where(run.raised))
    value = run.result("collect([])")
    expect(type(value) in (tuple, list) and list(value) == [[], []],
           f"collect([]) returned {shown(value)}; with nothing to run it should return ([], []).",
           where)
    call = "collect(jobs) with tasks and other awaitables among the coroutines"
    jobs, run = _collect(submission, call=call, mixed=True)
    if run.raised is not None and run.raised.is_a("TypeError"):
        raise Fail(f"When aws holds tasks (already started) and awaitable objects besides "
                   f"coroutines, collect raised TypeError ({_line(run.raised)}). aws is a "
                   f"list of awaitables: a coroutine, a task, a future or any object with "
                   f"__await__ may be in it, and each must be run and collected.",
                   _where(run.raised))
    if _escaped(jobs, run):  # the first check's defect: here, whether every kind was run
        ran = jobs.in_flight.started
        expect(ran == len(jobs.jobs),
               f"{call} ran {ran} of the {len(jobs.jobs)} awaitables: a coroutine, a task or any "
               f"object with __await__ in aws must each be run.", submission.definition_of("collect"))
        return
    results, errors = _returned(submission, jobs, run, call)
    _require_everything(submission, jobs, results, errors, call)


# Loop seconds a cancelled collect gets to end (every job of _plan() ends within 5 s).
GRACE = 10.0


@dataclass
class Cancelled:
    """What a collect cancelled midway did."""

    at: float = 0.0  # the judge's clock at the cancellation
    running: int = 0  # jobs still running then
    state: str = ""  # cancelled, returned, raised or running (GRACE later), as reported
    ended_after: float = 0.0  # simulated seconds from the cancellation to its end
    served_after: list[Job] = field(default_factory=list)  # jobs the world ran to their end since
    value: Any = None
    error: wire.Raised | None = None
    early: str = ""  # how it ended before the cancellation could come (returned, raised)
    early_at: float = 0.0


def _cancel_midway(jobs: Jobs, seen: Cancelled, where: Any) -> Any:
    """A script that starts collect, cancels it while some jobs have finished and others still
    run, and waits for it to end."""
    async def script(remote: Remote) -> None:
        loop = asyncio.get_running_loop()
        started = await remote.start("collect", jobs.awaitables())
        if started.failed:
            raise Fail(started.failed, started.location or where)
        if started.raised is not None:
            raise Fail(describe_raised(CALL, started.raised), _where(started.raised))
        if not started.task:
            raise Fail(f"{CALL} returned {shown(started.value)} instead of a coroutine: collect "
                       f"must be a coroutine function (async def).", where)
        done = await remote.wait(started.task, timeout=_cancel_at(jobs))
        if done.state == "raised" and done.raised is not None:
            raise Fail(describe_raised(CALL, done.raised), _where(done.raised))
        if done.state != "pending":  # it ended before the cancellation could come
            seen.early, seen.early_at = done.state or "ended", loop.time()
            return
        seen.at, seen.running = loop.time(), len(jobs.jobs) - len(jobs.finished)
        finished_then = len(jobs.finished)
        await remote.cancel(started.task)
        done = await remote.wait(started.task, timeout=GRACE)
        seen.ended_after = loop.time() - seen.at
        seen.served_after = jobs.finished[finished_then:]
        seen.state = done.state if done.state in ("cancelled", "returned", "raised") else "running"
        seen.value, seen.error = done.value, done.raised

    return script


def _cancel_at(jobs: Jobs) -> float:
    """When to cancel collect: once every job that ends before the first failure has ended,
    halfway to that failure (the plan's first failure is never the first job to end). A failure
    that came out of collect is another check's; here it would hide what a cancellation does."""
    first = min(job.delay for job in jobs.failures)
    before = max(job.delay for job in jobs.jobs if job.delay < first)
    return (before + first) / 2


@check("a cancelled collect ends cancelled", points=1)
def test_cancelled_collect_ends_cancelled(submission: Submission) -> None:
    where = submission.definition_of("collect")
    jobs, seen = Jobs(), Cancelled()
    _as_drawn_before()
    run = submission.scenario(_cancel_midway(jobs, seen, where), call=CALL)
    run.result(CALL)
    if not seen.state:  # nothing to judge is no pass: the cancellation never came
        ended = (f"it had already {seen.early} after {seen.early_at:g} s of simulated time"
                 if seen.early else "it had ended before the check could start it")
        raise Fail(f"The check cancels {CALL} while some jobs have finished and others still run, "
                   f"but {ended}, before the slowest jobs could finish: collect must wait for "
                   f"every job (the checks above say what it returned).", where)
    if seen.state == "cancelled" and not seen.served_after:
        return
    cancelled = (f"{CALL} was cancelled after {seen.at:g} s of simulated time, while "
                 f"{seen.running} of the {len(jobs.jobs)} jobs were still running")
    rule = ("A cancellation is not one of the jobs' exceptions: the code that cancels collect "
            "must see it end cancelled.")
    if seen.state == "cancelled":
        served = ", ".join(job.name for job in seen.served_after)
        their = "its" if len(seen.served_after) == 1 else "their"
        raise Fail(f"{cancelled}, and it carried on: {served} ran to {their} end after the "
                   f"cancellation, before it ended cancelled {seen.ended_after:g} s later. "
                   f"{rule}", where)
    if seen.state == "running":
        raise Fail(f"{cancelled}, and {GRACE:g} s later it had still not ended. {rule}", where)
    if seen.state == "raised" and seen.error is not None:
        raise Fail(f"{cancelled}, and it raised {_item(seen.error)} instead of ending cancelled. "
                   f"{rule}", _where(seen.error) or where)
    errors = seen.value[1] if type(seen.value) in (tuple, list) and len(seen.value) == 2 else []
    held = (" - with the CancelledError among its exceptions"
            if type(errors) is list and any(isinstance(error, wire.Raised)
                                            and error.is_a("CancelledError") for error in errors)
            else "")
    raise Fail(f"{cancelled}, and it carried on: {seen.ended_after:g} s later it returned as if "
               f"nothing had happened{held}. It caught the cancellation. {rule}", where)


def _line(raised: wire.Raised) -> str:
    where = _where(raised)
    return f"{where.file}, line {where.line}" if where else "in code it called"
