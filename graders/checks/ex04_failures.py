"""Checks for exercise 4: collect runs every job, keeps results and errors in completion order."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from graders.check import Fail, check, expect
from graders.probes import BlockingSpy, InFlight, Outcome, Solution, run_virtual
from graders.probes import inputs as rand
from graders.probes.student import location_of_traceback

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

JOBS = 6
_sleep = asyncio.sleep


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

    def describe(self) -> str:
        outcome = f"raises {self.error!r}" if self.error else f"returns {self.value!r}"
        return f"{self.name} ({self.delay} s, {outcome})"


def _not_in_order(jobs: list[Job]) -> bool:
    return [job.delay for job in jobs] != sorted(job.delay for job in jobs)


def _plan() -> list[Job]:
    """Six jobs with distinct delays, two of them failing, such that neither the successes nor
    the failures finish in the order they were passed in, and the first failure is neither the
    first nor among the last two jobs to finish (so stopping there loses some of them)."""
    while True:
        delays = sorted(rand.distinct_delays(JOBS, 0.5, 5.0))
        failing_ranks = set(rand.rng.sample(range(1, JOBS - 2), 1)) | {
            rand.rng.choice(range(JOBS - 2, JOBS))}
        order = rand.rng.sample(range(JOBS), JOBS)  # position in the list of the rank-th finisher
        jobs = [Job(0, 0.0, "", None) for _ in range(JOBS)]
        for rank, position in enumerate(order):
            failing = rank in failing_ranks
            jobs[position] = Job(
                position, delays[rank], f"{rand.word(4)}-{position}",
                JobFailed(f"job {position} failed: {rand.word(6)}") if failing else None)
        successes = [job for job in jobs if job.error is None]
        failures = [job for job in jobs if job.error is not None]
        if _not_in_order(successes) and _not_in_order(failures):
            return jobs


@dataclass
class Jobs:
    """The awaitables handed to collect, and what happened to each of them."""

    jobs: list[Job] = field(default_factory=_plan)
    in_flight: InFlight = field(default_factory=InFlight)
    finished: list[Job] = field(default_factory=list)
    finished_at: dict[int, float] = field(default_factory=dict)

    async def run(self, job: Job) -> str:
        async with self.in_flight.track(job.name):
            await _sleep(job.delay)
        self.finished.append(job)
        self.finished_at[job.index] = asyncio.get_running_loop().time()
        if job.error is not None:
            raise job.error
        return job.value

    def awaitables(self) -> list[Any]:
        return [self.run(job) for job in self.jobs]

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


def _collect(solution: Solution) -> tuple[Jobs, Outcome[Any]]:
    collect = solution.function("collect", coroutine=True)
    jobs = Jobs()
    return jobs, run_virtual(lambda: collect(jobs.awaitables()))


def _returned(solution: Solution, jobs: Jobs, outcome: Outcome[Any]) -> tuple[list[Any], list[Any]]:
    """The two lists collect returned, or a Fail saying why there are none."""
    if outcome.error is not None and (escaped := jobs.by_error(outcome.error)) is not None:
        others = len(jobs.jobs) - 1
        raise Fail(f"{CALL} let the first failure escape: {escaped.name} raised "
                   f"{escaped.error!r} after {escaped.delay} s and it came out of collect, so the "
                   f"results and errors of the {others} other jobs were lost. A failure must "
                   f"end up in the list of exceptions, not be raised. The jobs: {jobs.listing()}.",
                   location_of_traceback(outcome.error.__traceback__))
    value = outcome.result(CALL)
    if not (isinstance(value, tuple | list) and len(value) == 2
            and all(isinstance(part, list) for part in value)):
        raise Fail(f"{CALL} returned {value!r}; it should return a tuple of two lists: "
                   f"(results, exceptions).", solution.definition_of("collect"))
    results, errors = value
    if any(asyncio.iscoroutine(item) or asyncio.isfuture(item) for item in results + errors):
        raise Fail(f"{CALL} returned coroutines or tasks instead of their results: each one "
                   f"must be awaited to get what it returns or raises.",
                   solution.definition_of("collect"))
    if any(isinstance(item, BaseException) for item in results):
        raise Fail(f"The results list that {CALL} returned holds exceptions: {results!r}. "
                   f"Exceptions belong in the second list, results in the first.",
                   solution.definition_of("collect"))
    return results, errors


def _require_everything(solution: Solution, jobs: Jobs, results: list[Any],
                        errors: list[Any]) -> None:
    values = [job.value for job in jobs.successes]
    strangers = [item for item in results if item not in values]
    strangers += [error for error in errors if jobs.by_error(error) is None]
    if strangers:
        raise Fail(f"{CALL} returned things no job produced: {strangers!r}. Return the values "
                   f"the jobs returned, and the very exception objects they raised.",
                   solution.definition_of("collect"))
    got = [job for job in jobs.successes if job.value in results]
    got += [job for job in jobs.failures if any(error is job.error for error in errors)]
    if len(results) + len(errors) > len(got):
        raise Fail(f"{CALL} returned {len(results)} results and {len(errors)} exceptions for "
                   f"{len(jobs.successes)} jobs that succeed and {len(jobs.failures)} that fail: "
                   f"some appear more than once.", solution.definition_of("collect"))
    missing = [job for job in jobs.jobs if job not in got]
    if not missing:
        return
    first_failure = min(jobs.failures, key=lambda job: job.delay)
    stopped = (all(job.delay > first_failure.delay for job in missing)
               and any(error is first_failure.error for error in errors))
    why = (f"it stopped at the first error ({first_failure.name} failed after "
           f"{first_failure.delay} s) and lost the {len(missing)} jobs still running"
           if stopped else f"it lost {', '.join(job.name for job in missing)}")
    raise Fail(f"{CALL} returned {len(results)} of the {len(jobs.successes)} results and "
               f"{len(errors)} of the {len(jobs.failures)} exceptions: {why}. Every job must "
               f"run to its end and land in one of the two lists. The jobs: {jobs.listing()}.",
               solution.definition_of("collect"))


@check("collect returns every result and every exception", points=3)
def test_returns_every_result_and_error(solution: Solution) -> None:
    jobs, outcome = _collect(solution)
    results, errors = _returned(solution, jobs, outcome)
    _require_everything(solution, jobs, results, errors)


@check("results and exceptions come in the order they happened", points=2)
def test_results_in_completion_order(solution: Solution) -> None:
    jobs, outcome = _collect(solution)
    results, errors = _returned(solution, jobs, outcome)
    _require_everything(solution, jobs, results, errors)
    finished_results = [job.value for job in jobs.finished if job.error is None]
    finished_errors = [job.error for job in jobs.finished if job.error is not None]
    for kind, got, expected, passed_in in (
        ("results", results, finished_results, [job.value for job in jobs.successes]),
        ("exceptions", errors, finished_errors, [job.error for job in jobs.failures]),
    ):
        if _same(got, expected):
            continue
        how = (" - the order they were passed in, not the order they finished in"
               if _same(got, passed_in) else "")
        raise Fail(f"{CALL} returned the {kind} in the order {got!r}{how}. They finished in the "
                   f"order {expected!r}. The jobs: {jobs.listing()}.",
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
    if outcome.error is None or jobs.by_error(outcome.error) is None:
        outcome.result(CALL)
    outcome.require_clean(CALL)
    started = jobs.in_flight.started
    expect(started == len(jobs.jobs),
           f"{CALL} started {started} jobs; each of the {len(jobs.jobs)} should run exactly once.",
           solution.definition_of("collect"))


def _same(got: list[Any], expected: list[Any]) -> bool:
    return len(got) == len(expected) and all(
        a is b or (not isinstance(a, BaseException) and a == b) for a, b in zip(got, expected, strict=True))
