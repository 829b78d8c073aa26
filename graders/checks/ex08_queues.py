"""Checks for exercise 8: process_all feeds jobs through a bounded queue to a pool of workers.

The student's code runs in a process of its own; the jobs and handle live on the judge's side.
The jobs are an iterator whose every `next()` is a message to the judge, and handle a coroutine
function whose every call is one: the judge counts the jobs taken, the jobs in hand at once and
who was served when, on its own clock. Every job takes the same simulated time, so `workers`
workers that always take the next job at once finish n jobs in exactly ceil(n / workers) rounds;
taken minus started, each time both sides are still, is the backlog (jobs in the queue plus the
one the producer may hold while it waits to put it), which a queue of `maxsize` keeps at maxsize
or maxsize + 1 (a job a worker has taken and hands to a task of its own counts once it starts). A cancelled
handle tidies up on the judge's clock before it ends, and its caller waits for that.
Evidence each check passes on (what the judge saw itself) is in EVIDENCE; what the submission's
side reports (tasks left, timers, a queue's state, where a task waits) can only cost points.
"""

from __future__ import annotations

import asyncio
import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, ClassVar

from graders.check import Fail, check, expect, falsy_result, record
from graders.probes import InFlight, Pending
from graders.probes import inputs as rand
from graders.probes.judge import Call, Done, Handed, Remote, Run, Submission, describe_raised
from graders.results import Location
from graders.trust import wire

HINTS = {
    "every_job_done_once": (
        "process_all has three parts: start the workers, feed the queue, then wait until every "
        "job is done and stop the workers. A worker is a coroutine with a `while True` loop "
        "around queue.get(), started as a task.",
        "Each job is taken from the queue once and handled once, and what handle returned goes "
        "into the results under that job - not the job itself.",
        "queue.empty() only says nothing is waiting in the queue, not that the workers have "
        "finished their jobs. queue.task_done() after each job and `await queue.join()` tell you "
        "when all are done.",
    ),
    "workers_run_at_once": (
        "Exactly `workers` worker tasks, all started before you wait for any of them, each "
        "awaiting queue.get() (not polling with get_nowait) and staying until it is stopped.",
        "A lock held across `await handle(job)`, or awaiting each worker as you start it, lets "
        "only one job run at a time; a task per job has no limit at all.",
    ),
    "queue_applies_backpressure": (
        "The jobs may be an endless iterator: read them one at a time as the queue has room, "
        "never all at once into a list.",
        "Make the queue with asyncio.Queue(maxsize) and feed it with `await queue.put(job)` in a "
        "for loop over the jobs: put waits while the queue is full, so jobs are read only as "
        "fast as they are handled.",
    ),
    "failing_job_does_not_stop_the_pool": (
        "A job that raises is recorded in errors (the exception itself) and the worker goes on "
        "with the next job.",
        "Catch Exception around handle(job) inside the worker's loop, not around the whole loop, "
        "and call queue.task_done() in a `finally`, so a failed job is counted as done too.",
    ),
    "no_worker_left_behind": (
        "When the jobs are all done the workers are still waiting on queue.get(): process_all "
        "has to stop them and wait until they have ended before it returns.",
        "Cancel each worker task and await them all (gather with return_exceptions=True).",
    ),
    "cancelling_stops_the_workers": (
        "process_all can be cancelled while it feeds the queue or waits for it: its workers must "
        "end then too, at once, without handling the jobs still queued.",
        "Stop the workers in a `finally` around the feeding and the join. Inside the worker, "
        "catch Exception (not BaseException: that would swallow the cancellation).",
    ),
}

EVIDENCE = {
    "every_job_done_once": "the pair returned (plain data): results equal to what the judge's "
                           "handle returned, errors empty, and handle saw each job exactly once",
    "workers_run_at_once": "the judge's handle had exactly `workers` jobs in hand at once, and the "
                           "jobs took exactly ceil(n / workers) rounds on the judge's clock, with no "
                           "wakeup of the process on a timer of its own",
    "queue_applies_backpressure": "jobs taken from the judge's iterator minus jobs handle started, "
                                  "each time both sides were still: never more than maxsize + 1, "
                                  "and maxsize at some point",
    "failing_job_does_not_stop_the_pool": "the pair returned: errors holds, for each job whose "
                                          "handle raised, an exception named JobError with "
                                          "handle's own message; the other results as handle "
                                          "returned them; each job handled once, in the rounds "
                                          "`workers` workers need on the judge's clock",
    "no_worker_left_behind": "the pair returned after handle ran once for every job, with no "
                             "handle call still running when it returned; a worker left waiting "
                             "on the queue touches nothing of the world (reported by the "
                             "submission, it can only cost points; the cancelling check sees "
                             "such code on the world's evidence)",
    "cancelling_stops_the_workers": "after the judge cancelled the task: it ended cancelled within "
                                    "the grace, with no handle call still running (tidying up "
                                    "included) when it ended, and handle was never called again",
}

# Loop seconds a cancelled process_all gets to stop its workers and end.
GRACE = 10.0
# Simulated seconds a run of process_all may take (the longest correct run takes 48 s).
LIMIT = 120.0
# Pool shapes always tried besides a random one: more workers than room in the queue (the
# lesson's own example among them), where workers that stop at an empty queue show.
CROWDED = ((2, 1), (4, 1))
# The lesson's example: process_all(..., workers=2, maxsize=1).
EXAMPLE = (2, 1)


class JobError(Exception):
    """What handle raises for a broken job (raised in the student's process under this name)."""


class _NoMoreJobs(Exception):
    """The jobs' iterator is exhausted. A coroutine may not raise StopIteration itself, so the
    judge raises this, which crosses under the name StopIteration: the student's loop ends."""


_NoMoreJobs.__name__ = _NoMoreJobs.__qualname__ = "StopIteration"


@dataclass
class Pipeline:
    """The jobs, the handle function given to process_all, and what happened to them."""

    workers: int
    maxsize: int
    names: list[str]
    duration: float
    broken: set[str] = field(default_factory=set)
    empty: set[str] = field(default_factory=set)  # jobs handle returns '' for: falsy, but real
    cleanup: float = 0.0  # seconds a cancelled handle takes to clean up before it ends
    token: str = field(default_factory=lambda: rand.word(5))
    in_flight: InFlight = field(default_factory=InFlight)
    handled: Counter[str] = field(default_factory=Counter)
    raised: dict[str, JobError] = field(default_factory=dict)
    strangers: list[Any] = field(default_factory=list)  # handle called with something not a job
    taken: int = 0
    # The most jobs taken from the iterator and not yet started, at the instants both sides were
    # still (a job a worker has taken and hands to a task of its own is started a step later).
    backlog: int = 0
    callers: set[str] = field(default_factory=set)  # the tasks that called handle (reported)
    # The jobs each task called handle for, in order (tasks as reported: for a message only).
    history: dict[str, list[str]] = field(default_factory=dict)
    inside: Counter[str] = field(default_factory=Counter)  # handle calls running, by task
    tidying: int = 0  # handle calls cancelled and still tidying up
    cancelled: bool = False  # process_all has been cancelled
    after_cancel: list[str] = field(default_factory=list)  # jobs handle got after that

    def took_one(self) -> None:
        self.taken += 1

    def still(self) -> None:
        self.backlog = max(self.backlog, self.taken - self.in_flight.started)

    def result_for(self, job: str) -> str:
        return "" if job in self.empty else f"{job.upper()}-{self.token}"

    async def handle(self, call: Call, job: Any) -> str:
        if type(job) is not str or job not in self.names:
            self.strangers.append(job)
            raise TypeError(f"handle({job!r}): that is not one of the jobs")
        self.handled[job] += 1
        task = call.task or "?"
        self.callers.add(task)
        self.history.setdefault(task, []).append(job)
        if self.cancelled:
            self.after_cancel.append(job)
        self.inside[task] += 1
        try:
            async with self.in_flight.track(job):
                await self._work()
        finally:
            self.inside[task] -= 1
        if job in self.broken:
            error = self.raised[job] = JobError(f"{job} is broken ({self.token})")
            raise error
        return self.result_for(job)

    async def _work(self) -> None:
        try:
            await asyncio.sleep(self.duration)
        except asyncio.CancelledError:
            self.tidying += 1
            try:
                if self.cleanup:
                    await asyncio.sleep(self.cleanup)  # a handle that tidies up before it ends
            finally:
                self.tidying -= 1
            raise

    @property
    def rounds(self) -> int:
        return math.ceil(len(self.names) / self.workers)

    @property
    def needed(self) -> float:
        return self.rounds * self.duration

    def call(self) -> str:
        return f"process_all(jobs, handle, workers={self.workers}, maxsize={self.maxsize})"

    def expected_results(self) -> dict[str, str]:
        return {job: self.result_for(job) for job in self.names if job not in self.broken}

    def arguments(self) -> tuple[Jobs, Handle, int, int]:
        return Jobs(self), Handle(self), self.workers, self.maxsize


class Jobs(Handed):
    """The jobs process_all is given: an iterator whose every step is the judge's to count."""

    name: ClassVar[str] = "JobIterator"
    methods: ClassVar[dict[str, str]] = {"__iter__": "query", "__next__": "query"}

    def __init__(self, pipeline: Pipeline) -> None:
        self._pipeline = pipeline
        self._next = 0

    async def __iter__(self, call: Call) -> Jobs:  # type: ignore[misc]
        return self

    async def __next__(self, call: Call) -> str:
        names = self._pipeline.names
        if self._next >= len(names):
            raise _NoMoreJobs()
        job = names[self._next]
        self._next += 1
        self._pipeline.took_one()
        return job

    def __repr__(self) -> str:
        return "jobs"


class Handle(Handed):
    """The handle process_all is given: a coroutine function, on the judge's clock. Cancelled,
    it tidies up before it ends, and its caller waits for that."""

    name: ClassVar[str] = "handle"
    methods: ClassVar[dict[str, str]] = {"__call__": "tidy"}

    def __init__(self, pipeline: Pipeline) -> None:
        self._pipeline = pipeline

    async def __call__(self, call: Call, job: Any) -> str:
        return await self._pipeline.handle(call, job)

    def __repr__(self) -> str:
        return "handle"


def _pipeline(*, broken: int = 0, hundredths: bool = False, one_left: bool = False,
              shape: tuple[int, int] | None = None) -> Pipeline:
    """Random jobs; `one_left`: the last round has one job, so the other workers wait idle.
    `shape`: (workers, maxsize) to use instead of random ones."""
    workers, maxsize = shape or (rand.rng.randint(2, 4), rand.rng.randint(3, 5))
    fewest = max(10, workers + maxsize + 3)
    if one_left:
        count = workers * rand.rng.randint(math.ceil((fewest - 1) / workers), 15 // workers) + 1
    else:
        count = rand.rng.randint(fewest, 16)
    names = [f"{rand.word(4)}{index}" for index in range(count)]
    duration = round(rand.rng.uniform(1.0, 3.0), 2) if hundredths else rand.delay(1.0, 3.0)
    failing = set(rand.rng.sample(names[1:], broken)) if broken else set()
    return Pipeline(workers, maxsize, names, duration, failing)


def _where(submission: Submission) -> Location | None:
    return submission.definition_of("process_all")


def _run(submission: Submission, pipeline: Pipeline, **options: Any) -> Run:
    """process_all on the pipeline's jobs, there; the judge's clock times it."""
    return submission.call("process_all", *pipeline.arguments(), coroutine=True,
                           call=pipeline.call(), limit=LIMIT, spy_queues=True,
                           on_still=pipeline.still, **options)


def _queue_waits(run: Run) -> list[dict[str, int]]:
    waits = run.report.get("queue_waits")
    return [{key: item.get(key) if type(item.get(key)) is int else 0
             for key in ("unfinished", "waiting", "getters")} | {"method": str(item.get("method"))}
            for item in (waits if isinstance(waits, list) else []) if isinstance(item, dict)]


def _result(run: Run, call: str) -> Any:
    """run.result(call), with a deadlock in queue.join() explained by the queue's state (as the
    submission reports it), and a run that never returned caught on the judge's clock."""
    if run.timed_out and not _waited_long(run):  # a long wait is said as such, not explained
        reason = next((text for text in map(_why_stuck, _queue_waits(run)) if text), "")
        if reason:
            where = run.stuck[0].location if run.stuck else None
            raise Fail(f"{run.deadlock_message(call)} {reason}", where)
    value = run.result(call)
    if run.elapsed >= LIMIT - 1e-6:
        raise Fail(f"{call} had not returned after {LIMIT:g} s of simulated time: it waits for "
                   f"something that never comes.")
    return value


def _waited_long(run: Run) -> bool:
    """The run asked for a timer far past the limit (its deadlock message says how long)."""
    return run.asked_for is not None and run.asked_for > 2 * LIMIT


def _why_stuck(state: dict[str, Any]) -> str:
    undone = state["unfinished"] - state["waiting"]
    if state["method"] == "put":
        return "" if state["getters"] else (
            f"A task waits in queue.put() for room in the queue, which holds {state['waiting']} "
            f"jobs, and no task is waiting in queue.get() to take one: the workers had ended "
            f"(or were stuck elsewhere).")
    if undone > 0:
        return (f"A task waits in queue.join(), which returns once task_done() has been called "
                f"for every job put in the queue; {undone} jobs were taken from it and never "
                f"marked done with task_done() - look at every way a job can end, errors "
                f"included.")
    if state["waiting"] and not state["getters"]:
        return (f"A task waits in queue.join() while {state['waiting']} jobs are still in the "
                f"queue, and no worker is waiting to take them: the workers had ended.")
    return ""


def _pair(value: Any, call: str) -> tuple[dict[Any, Any], dict[Any, Any]]:
    if (type(value) not in (tuple, list) or len(value) != 2
            or not all(type(part) is dict for part in value)):
        raise Fail(f"{call} returned {_short(value)}; it should return a pair of two dicts, "
                   f"(results, errors).")
    return value[0], value[1]


def _short(value: Any) -> str:
    if isinstance(value, wire.Raised):
        text = f"{value.type_name}({', '.join(map(repr, value.args))})"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{key!r}: {_short(item)}" for key, item in value.items()) + "}"
    else:
        text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _names(jobs: list[str] | set[str]) -> str:
    shown = sorted(jobs)
    return ", ".join(shown[:4]) + (f" and {len(shown) - 4} more" if len(shown) > 4 else "")


def _handled_once(pipeline: Pipeline, call: str, where: Any) -> None:
    if pipeline.strangers:
        raise Fail(f"{call} called handle({_short(pipeline.strangers[0])}): handle must only get "
                   f"the jobs themselves (a value that tells a worker to stop must not reach it).",
                   where)
    never = [job for job in pipeline.names if pipeline.handled[job] == 0]
    twice = [job for job in pipeline.names if pipeline.handled[job] > 1]
    if twice:
        raise Fail(f"handle ran more than once for {len(twice)} of the {len(pipeline.names)} jobs "
                   f"({_names(twice)}): each job must be handled exactly once.", where)
    if never:
        raise Fail(f"{call} returned before handle ran for {len(never)} of the "
                   f"{len(pipeline.names)} jobs ({_names(never)}): every job must be handled "
                   f"before it returns.", where)


def _how(most: int, workers: int) -> str:
    return "one at a time" if most <= 1 else f"by at most {most} of {workers} workers at once"


def _woken(submission: Submission, since: int) -> int:
    """How often the judge woke the process for a timer of its own since mark `since`."""
    return len(submission.woken) - since


# --- the checks ---------------------------------------------------------------------------------

@check("every job is handled exactly once and its result returned", points=2)
def test_every_job_done_once(submission: Submission) -> None:
    pipeline = _pipeline()
    pipeline.empty = {rand.rng.choice(pipeline.names)}  # handle's result '' is a result too
    run = _run(submission, pipeline)
    call, where = pipeline.call(), _where(submission)
    results, errors = _pair(_result(run, call), call)
    _handled_once(pipeline, call, where)
    expected = pipeline.expected_results()
    missing = [job for job in expected if job not in results]
    empty = [job for job in missing if job in pipeline.empty]
    falsy = f" {falsy_result('handle', str(empty[0]))}." if empty else ""
    expect(not missing, f"{call} handled all {len(expected)} jobs, but results has no entry for "
                        f"{len(missing)} of them ({_names(missing)}).{falsy}", where)
    wrong = [job for job in expected if not (type(results[job]) is str and results[job] == expected[job])]
    expect(not wrong, f"results[{wrong[0]!r}] is {_short(results.get(wrong[0]))}; handle "
                      f"returned {expected[wrong[0]]!r} for it." if wrong else "", where)
    extra = [job for job in results if job not in expected]
    expect(not extra, f"results holds keys that are not jobs: {_short(extra)}.", where)
    expect(not errors, f"No job failed, but errors is {_short(errors)}; it should be empty.", where)


@check("the workers handle jobs at the same time, as many as `workers`", points=2)
def test_workers_run_at_once(submission: Submission) -> None:
    shapes = [*CROWDED, None]  # the fixed shapes first: the same message on every seed
    for shape in shapes:
        _check_pool(submission, _pipeline(hundredths=True, one_left=True, shape=shape))


def _check_pool(submission: Submission, pipeline: Pipeline) -> None:
    since = len(submission.woken)
    run = _run(submission, pipeline, spy_loop=True)
    call, where = pipeline.call(), _where(submission)
    _result(run, call)
    record(timeline=pipeline.in_flight.timeline())
    most, workers, count = pipeline.in_flight.high_water, pipeline.workers, len(pipeline.names)
    took = f"{run.elapsed:.2f} s of simulated time"
    if most == 0:
        raise Fail(f"{call} handled no job at all ({took}).", where)
    if most > workers:
        raise Fail(f"Up to {most} jobs were handled at once, but there should be exactly "
                   f"{workers} workers, each handling one job at a time.", where)
    callers = len(pipeline.callers)
    few = (f" Only {callers} of the {workers} worker tasks ever called handle: the others ended "
           f"(or never took a job) while jobs were still to come." if callers < workers else "")
    if most < workers:
        raise Fail(f"The {count} jobs of {call} were handled {_how(most, workers)}: {took}; "
                   f"{workers} workers need {pipeline.needed:.2f} s.{few}", where)
    timers = run.report.get("student_timers")
    timers = timers if isinstance(timers, list) else []
    first = run.location_of(timers[0]) if timers else None
    woken = _woken(submission, since)
    polls = (f" The code set {len(timers)} timers of its own meanwhile: it polls instead of "
             f"waiting on the queue." if len(timers) >= 3 else
             f" The process woke up {woken} times on timers of its own meanwhile: it polls "
             f"instead of waiting on the queue." if woken >= 3 else "")
    if run.elapsed > pipeline.needed + 1e-3:
        raise Fail(f"The {count} jobs of {call} took {took}, but {workers} workers that each take "
                   f"the next job as soon as they finish one need {pipeline.needed:.2f} s "
                   f"({pipeline.rounds} rounds of {pipeline.duration:.2f} s): workers sat idle "
                   f"while jobs waited.{polls or few}", first or where)
    if polls:
        idle = f"{workers - 1} workers" if workers > 2 else "the other worker"
        times = (f"{len(timers)} timers set by the code" if len(timers) >= 3 else
                 f"{woken} wakeups of the process on timers of its own")
        raise Fail(f"While the last job ran, {idle} had nothing to do, and kept "
                   f"waking up to look for work: {times} in {took}. It polls instead of waiting "
                   f"on the queue, which wakes a worker only when a job comes.", first or where)


@check("the queue holds at most `maxsize` jobs: the producer waits while it is full", points=2)
def test_queue_applies_backpressure(submission: Submission) -> None:
    # The lesson's own example first (maxsize=1: a queue one smaller would have no bound at all),
    # then a random shape.
    for shape in (EXAMPLE, None):
        _check_backlog(submission, _pipeline(shape=shape))


def _check_backlog(submission: Submission, pipeline: Pipeline) -> None:
    run = _run(submission, pipeline)
    call, where = pipeline.call(), _where(submission)
    _result(run, call)
    backlog, maxsize, count = pipeline.backlog, pipeline.maxsize, len(pipeline.names)
    if backlog > maxsize + 1:
        raise Fail(f"{call} took {backlog} of the {count} jobs from the iterator before a worker "
                   f"started them: up to {backlog} jobs waited at once, but maxsize is {maxsize}. "
                   f"Taking jobs should wait while {maxsize} {'is' if maxsize == 1 else 'are'} already "
                   f"waiting.", where)
    expect(backlog >= maxsize,
           f"At most {backlog} jobs waited for a worker at once, while the workers were all "
           f"busy: maxsize={maxsize} allows {maxsize}. The queue is smaller than asked.", where)


@check("a job that fails is reported in errors and the pool goes on", points=2)
def test_failing_job_does_not_stop_the_pool(submission: Submission) -> None:
    _check_failures(submission, _pipeline(broken=2))
    # Every worker's first job fails: a worker that stops at its first failure leaves none.
    pipeline = _pipeline()
    pipeline.broken = set(pipeline.names[:pipeline.workers])
    run = _check_failures(submission, pipeline)
    if run.elapsed > pipeline.needed + 1e-3:
        raise Fail(f"{pipeline.call()}: handle raised for the first {pipeline.workers} jobs, "
                   f"one for each worker, and then the {len(pipeline.names)} jobs took "
                   f"{run.elapsed:.2f} s of simulated time; {pipeline.workers} workers that "
                   f"go on with the next job after a failure need {pipeline.needed:.2f} s. Fewer "
                   f"workers were left after the failures.", _where(submission))


def _check_failures(submission: Submission, pipeline: Pipeline) -> Run:
    run = _run(submission, pipeline)
    call, where = pipeline.call(), _where(submission)
    broken = _names(pipeline.broken)
    if run.raised is not None and run.raised.is_a("JobError"):
        raise Fail(f"handle raised JobError for {broken}, and {call} raised "
                   f"{run.raised.text}: one failing job stopped everything. "
                   f"Each job's error belongs in errors, and the other jobs must still be done.",
                   run.location_of(run.raised.location) or where)
    if (run.timed_out or run.elapsed >= LIMIT - 1e-6) and not _waited_long(run):
        stopped = _stopped(pipeline)
        if stopped:
            raise Fail(f"{call} never finished: handle raised JobError for {broken}, and {stopped} "
                       f"A failing job must not end its worker: its error goes in errors and the "
                       f"worker goes on with the next job.", where)
    results, errors = _pair(_result(run, call), call)
    _handled_once(pipeline, call, where)
    expected = pipeline.expected_results()
    missing = [job for job in expected if job not in results]
    expect(not missing, f"handle raised JobError for {broken}, and then results had no entry "
                        f"for {len(missing)} jobs that succeeded ({_names(missing)}).", where)
    wrong = [job for job in expected if not (type(results[job]) is str and results[job] == expected[job])]
    expect(not wrong, f"results[{wrong[0]!r}] is {_short(results.get(wrong[0]))}; handle "
                      f"returned {expected[wrong[0]]!r} for it." if wrong else "", where)
    unreported = [job for job in pipeline.broken if job not in errors]
    expect(not unreported, f"handle raised JobError for {broken}, but errors has no entry for "
                           f"{_names(unreported)}: {_short(errors)}.", where)
    for job in sorted(pipeline.broken):
        sent, got = pipeline.raised[job], errors[job]
        expect(isinstance(got, wire.Raised) and got.type_name == "JobError"
               and tuple(got.args) == tuple(sent.args),
               f"errors[{job!r}] is {_short(got)}; it should be the exception handle "
               f"raised: {sent!r}.", where)
    extra = [job for job in errors if job not in pipeline.broken]
    expect(not extra, f"errors holds {_names(extra)}, which did not fail.", where)
    expect(not [job for job in results if job in pipeline.broken],
           f"results holds jobs that failed ({broken}); they belong in errors only.", where)
    return run


def _stopped(pipeline: Pipeline) -> str:
    """Which workers stopped at a failed job, in words ("" unless all did): jobs were never
    handled, and every task that called handle called it last for a job that failed (a worker
    that merely found no job waiting at its turn is not told apart from a stopped one, so a
    partial loss of workers is not named)."""
    never = sum(1 for job in pipeline.names if not pipeline.handled[job])
    last = {task: jobs[-1] for task, jobs in pipeline.history.items() if jobs}
    if not never or not last or any(job not in pipeline.raised or pipeline.inside[task]
                                    for task, job in last.items()):
        return ""
    ended = sorted(last.values())
    named = "it" if len(ended) == 1 else "them"
    if set(ended) != set(pipeline.raised):
        named = ended[0] if len(ended) == 1 else _names(ended)
    which = (f"the worker that got {named} called handle for no other job after it"
             if len(ended) == 1 else
             f"the {len(ended)} workers that got {named} called handle for no other job after "
             f"their failed one")
    return (f"{which}, though {never} of the {len(pipeline.names)} jobs were never handled: "
            f"{'it' if len(ended) == 1 else 'each'} stopped at its failed job.")


@check("when process_all returns, no worker task is left", points=2)
def test_no_worker_left_behind(submission: Submission) -> None:
    pipeline = _pipeline()
    run = _run(submission, pipeline, tasks_at_return=True)
    call, where = pipeline.call(), _where(submission)
    _result(run, call)
    _handled_once(pipeline, call, where)  # a run that did no work leaves no worker to see
    if pipeline.in_flight.now:
        raise Fail(f"{call} returned while {pipeline.in_flight.now} jobs were still being handled: "
                   f"every worker must have ended - not only been told to stop - by the time "
                   f"process_all returns.", where)
    left = [Pending(str(item.get("text", "")), run.location_of(item.get("location")))
            for item in run.report.get("left_at_return") or [] if isinstance(item, dict)]
    if left:
        first = left[0]
        raise Fail(f"{call} returned while {len(left)} of its tasks were still "
                   f"running ({first.describe()}): every worker must have ended - not only been "
                   f"told to stop - by the time process_all returns.", first.location or where)
    run.require_clean(call)


@dataclass
class Cancelled:
    """What the judge saw around one cancellation of process_all."""

    early: Done | None = None  # it ended before the cancellation
    cancelled_at: float = 0.0
    state: str = ""  # cancelled, returned, raised or running
    raised: wire.Raised | None = None
    in_flight_at_end: int = 0  # handle calls still running when it ended (the world's count)
    tidying_at_end: int = 0  # ... of which cancelled and tidying up
    others: list[dict[str, Any]] = field(default_factory=list)  # tasks left, as reported


async def _cancel_midway(remote: Remote, pipeline: Pipeline) -> Cancelled:
    seen = Cancelled()
    started = await remote.start("process_all", *pipeline.arguments())
    if started.failed:
        raise Fail(started.failed, started.location)
    if not started.task:
        raise Fail(f"{pipeline.call()} returned at once: process_all must be a coroutine "
                   f"function (`async def`).")
    done = await remote.wait(started.task, pipeline.duration * 1.5)
    if done.state != "pending":
        seen.early = done
        return seen
    seen.cancelled_at = asyncio.get_running_loop().time()
    pipeline.cancelled = True
    await remote.cancel(started.task)
    done = await remote.wait(started.task, GRACE)
    seen.state = "running" if done.state == "pending" else done.state
    seen.raised = done.raised
    seen.in_flight_at_end, seen.tidying_at_end = pipeline.in_flight.now, pipeline.tidying
    seen.others = await remote.tasks()
    return seen


def _task_text(item: dict[str, Any], run: Run) -> str:
    where = run.location_of(item.get("location"))
    return Pending(str(item.get("text", "")), where).describe()


@check("cancelling process_all stops its workers", points=2)
def test_cancelling_stops_the_workers(submission: Submission) -> None:
    # Cancelled while it still feeds the queue, and once every job is in it (waiting for the
    # last ones to be done): code that stops its workers in only one of the two places fails.
    for joining in (False, True):
        _check_cancel(submission, _cancel_pipeline(joining=joining), joining)


def _cancel_pipeline(*, joining: bool) -> Pipeline:
    """Jobs for a cancellation after 1.5 rounds: with `joining`, all of them fit in the workers
    and the queue at once, so feeding is over; without, feeding goes on well after it."""
    pipeline = _pipeline()
    workers, maxsize = pipeline.workers, pipeline.maxsize
    count = workers + maxsize if joining else 2 * workers + maxsize + 4
    pipeline.names = [f"{rand.word(4)}{index}" for index in range(count)]
    pipeline.cleanup = round(pipeline.duration / 2, 2)  # so a worker takes time to end
    return pipeline


def _check_cancel(submission: Submission, pipeline: Pipeline, joining: bool) -> None:
    call, where = pipeline.call(), _where(submission)
    run = submission.scenario(lambda remote: _cancel_midway(remote, pipeline), call=call,
                              limit=LIMIT)
    seen: Cancelled = run.result(call)
    if seen.early is not None:
        early = seen.early
        if early.raised is not None:
            raise Fail(describe_raised(call, early.raised), run.location_of(early.raised.location)
                       or where)
        raise Fail(f"{call} ended after {pipeline.duration * 1.5:.2f} s of simulated time, before "
                   f"its {len(pipeline.names)} jobs could be handled ({early.state or 'it failed'}).",
                   where)
    phase = ("every job had been taken from the iterator" if joining else
             "it was still taking jobs from the iterator")
    cancelled = (f"{call} was cancelled after {seen.cancelled_at:.2f} s of simulated time, when "
                 f"{phase}")
    others = seen.others
    swallowed_tasks = [item for item in others if type(item.get("cancelling")) is int
                       and item["cancelling"] > 0 and not pipeline.inside[str(item.get("name"))]]
    swallowed = ""
    if swallowed_tasks:
        swallowed = (f" {len(swallowed_tasks)} of them caught the cancellation and carried on "
                     f"({_task_text(swallowed_tasks[0], run)}): an `except` that catches "
                     f"CancelledError (or BaseException) keeps a task from being stopped.")
    first_at = run.location_of(others[0].get("location")) if others else None
    if seen.state == "running":
        waiting = ("; ".join(dict.fromkeys(_task_text(item, run) for item in others))
                   or f"its workers (handle was called for {len(pipeline.after_cancel)} jobs "
                      f"after the cancellation)")
        raise Fail(f"{cancelled}, and {GRACE:g} s later it had still not ended. Still running: "
                   f"{waiting}.{swallowed}", first_at or where)
    if others or seen.in_flight_at_end:
        cleaning = (f" {seen.tidying_at_end} of them were still in handle, which takes "
                    f"{pipeline.cleanup:g} s to tidy up after a cancellation before it ends: "
                    f"process_all ended while they were still running, without waiting for "
                    f"its workers to end." if seen.tidying_at_end else "")
        what = (f"{len(others)} of its tasks kept running ({_task_text(others[0], run)})" if others
                else f"its workers kept running ({seen.in_flight_at_end} jobs were still being "
                     f"handled)")
        raise Fail(f"{cancelled}; it ended, but {what}: cancelling process_all must stop its "
                   f"workers too.{swallowed}{cleaning}", first_at or where)
    if pipeline.after_cancel:
        raise Fail(f"{cancelled}; after that, handle was still called for "
                   f"{len(pipeline.after_cancel)} more jobs ({_names(pipeline.after_cancel)}): "
                   f"once process_all is cancelled its workers must stop, not start new jobs.",
                   where)
    if seen.state == "returned":
        raise Fail(f"{cancelled}, and it returned as if nothing happened: it swallowed the "
                   f"cancellation. The code that cancelled it must see it cancelled.", where)
    if seen.state == "raised" and seen.raised is not None:
        raise Fail(f"{cancelled}, and it raised {seen.raised.text} instead of ending "
                   f"cancelled.", run.location_of(seen.raised.location) or where)
    expect(seen.state == "cancelled", f"{cancelled}, and it did not end cancelled.", where)
