"""Checks for exercise 8: process_all feeds jobs through a bounded queue to a pool of workers.

Every job takes the same simulated time, so `workers` workers that always take the next job at
once finish n jobs in exactly ceil(n / workers) rounds. The jobs come from an iterator that counts
how many were taken from it; taken minus started is the backlog (jobs in the queue plus the one
the producer may hold while it waits to put it), which a queue of `maxsize` keeps at
maxsize or maxsize + 1.
"""

from __future__ import annotations

import asyncio
import math
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from graders.check import Fail, check, expect, record
from graders.probes import InFlight, Outcome, Pending, Solution, run_virtual
from graders.probes import inputs as rand
from graders.probes.handed import handed
from graders.probes.loop import snapshot
from graders.probes.loopcalls import LoopSpy, spy_on_loop
from graders.probes.student import describe_exception, location_of_traceback

HINTS = (
    "process_all has three parts: start the workers, feed the queue, then wait until every job "
    "is done and stop the workers. A worker is a coroutine with a `while True` loop around "
    "queue.get(), started as a task - as many tasks as `workers` says.",
    "Make the queue with asyncio.Queue(maxsize) and feed it with `await queue.put(job)` in a "
    "for loop over the jobs: put waits while the queue is full, so jobs are read only as fast as "
    "they are handled. queue.task_done() after each job (in a `finally`) and `await "
    "queue.join()` tell you when all are done.",
    "Catch Exception (not BaseException: that would swallow cancellation) around "
    "handle(job) inside the worker, so a failing job is recorded in errors and the worker goes "
    "on. Stop the workers in a `finally` around the feeding and the join: cancel each task and "
    "await them all (gather with return_exceptions=True), so that even a cancelled "
    "process_all leaves none behind.",
)

_sleep = asyncio.sleep
# Loop seconds a cancelled process_all gets to stop its workers and end.
GRACE = 10.0
# Pool shapes always tried besides a random one: more workers than room in the queue (the
# lesson's own example among them), where workers that stop at an empty queue show.
CROWDED = ((2, 1), (4, 1))
# The lesson's example: process_all(..., workers=2, maxsize=1).
EXAMPLE = (2, 1)


@handed
class JobError(Exception):
    """What handle raises for a broken job."""


@dataclass
class Pipeline:
    """The jobs, the handle function given to process_all, and what happened to them."""

    workers: int
    maxsize: int
    names: list[str]
    duration: float
    broken: set[str] = field(default_factory=set)
    cleanup: float = 0.0  # loop seconds a cancelled handle takes to clean up before it ends
    token: str = field(default_factory=lambda: rand.word(5))
    in_flight: InFlight = field(default_factory=InFlight)
    handled: Counter[str] = field(default_factory=Counter)
    raised: dict[str, JobError] = field(default_factory=dict)
    strangers: list[Any] = field(default_factory=list)  # handle called with something not a job
    taken: int = 0
    backlog: int = 0  # the most jobs taken from the iterator and not yet started
    callers: set[int] = field(default_factory=set)  # the tasks that called handle
    inside: set[int] = field(default_factory=set)  # the tasks in handle right now
    cancelled: bool = False  # process_all has been cancelled
    after_cancel: list[str] = field(default_factory=list)  # jobs handle got after that

    def jobs(self) -> Iterator[str]:
        return _Jobs(self)

    def took_one(self) -> None:
        self.taken += 1
        self.backlog = max(self.backlog, self.taken - self.in_flight.started)

    def result_for(self, job: str) -> str:
        return f"{job.upper()}-{self.token}"

    def handler(self) -> Callable[[str], Awaitable[str]]:
        """The handle process_all is given: a plain coroutine function, not a bound method (its
        __self__ would lead to this pipeline's counters and token)."""
        pipeline = self

        async def handle(job: str) -> str:
            return await pipeline.handle(job)

        return handle

    async def handle(self, job: str) -> str:
        if job not in self.names:
            self.strangers.append(job)
            raise TypeError(f"handle({job!r}): that is not one of the jobs")
        self.handled[job] += 1
        me = id(asyncio.current_task())
        self.callers.add(me)
        if self.cancelled:
            self.after_cancel.append(job)
        self.inside.add(me)
        try:
            async with self.in_flight.track(job):
                await self._work()
        finally:
            self.inside.discard(me)
        if job in self.broken:
            error = self.raised[job] = JobError(f"{job} is broken ({self.token})")
            raise error
        return self.result_for(job)

    async def _work(self) -> None:
        try:
            await _sleep(self.duration)
        except asyncio.CancelledError:
            if self.cleanup:
                await _sleep(self.cleanup)  # a handle that tidies up before it ends
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


@handed
class _Jobs:
    """An iterator over the jobs that tells the pipeline each time a job is taken (the pipeline
    is private: an iterator has no public attribute)."""

    def __init__(self, pipeline: Pipeline) -> None:
        self._pipeline = pipeline
        self._next = 0

    def __iter__(self) -> _Jobs:
        return self

    def __next__(self) -> str:
        names = self._pipeline.names
        if self._next >= len(names):
            raise StopIteration
        job = names[self._next]
        self._next += 1
        self._pipeline.took_one()
        return job


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


def _process_all(solution: Solution) -> Callable[..., Awaitable[Any]]:
    return solution.function("process_all", coroutine=True)


@dataclass
class Run:
    spy: LoopSpy | None = None
    state: str = ""  # after a cancellation: cancelled, returned, raised or running
    error: BaseException | None = None
    cancelled_at: float = 0.0
    left_running: list[Pending] = field(default_factory=list)
    swallowed: list[Pending] = field(default_factory=list)
    cleaning_up: int = 0  # tasks left running, cancelled, still in handle tidying up
    jobs_still_running: int = 0
    left_at_return: list[Pending] = field(default_factory=list)
    waits: list[QueueState] = field(default_factory=list)


@dataclass
class QueueState:
    """A queue as it was when a `join()` or a `put()` waiting on it was stopped (by the
    deadline)."""

    method: str
    unfinished: int  # jobs put and not yet marked done with task_done()
    waiting: int  # jobs still in the queue
    getters: int  # tasks waiting in get()


async def _feed(process_all: Callable[..., Awaitable[Any]], pipeline: Pipeline, run: Run) -> Any:
    me = asyncio.current_task()
    with spy_on_loop() as run.spy, _spy_on_queue_waits(run.waits):
        value = await process_all(pipeline.jobs(), pipeline.handler(), pipeline.workers,
                                  pipeline.maxsize)
    # At the very moment it returned, before any other task could run.
    run.left_at_return = [snapshot(task) for task in asyncio.all_tasks()
                          if task is not me and not task.done()]
    return value


@contextmanager
def _spy_on_queue_waits(waits: list[QueueState]) -> Iterator[None]:
    """Note the queue's state when a `queue.join()` or `queue.put()` is stopped: the deadline
    of a deadlocked run cancels the task waiting in it, and the state says why it waited."""
    original_join, original_put = asyncio.Queue.join, asyncio.Queue.put

    def note(method: str, queue: asyncio.Queue[Any]) -> None:
        waits.append(QueueState(method, queue._unfinished_tasks,  # type: ignore[attr-defined]
                               queue.qsize(), len(queue._getters)))  # type: ignore[attr-defined]

    async def join(queue: asyncio.Queue[Any]) -> None:
        try:
            await original_join(queue)
        except asyncio.CancelledError:
            note("join", queue)
            raise

    async def put(queue: asyncio.Queue[Any], item: Any) -> None:
        try:
            await original_put(queue, item)
        except asyncio.CancelledError:
            note("put", queue)
            raise

    asyncio.Queue.join, asyncio.Queue.put = join, put  # type: ignore[method-assign]
    try:
        yield
    finally:
        asyncio.Queue.join, asyncio.Queue.put = original_join, original_put  # type: ignore[method-assign]


def _result(outcome: Outcome[Any], run: Run, call: str) -> Any:
    """outcome.result(call), with a deadlock in queue.join() explained by the queue's state."""
    if outcome.timed_out:
        reason = next((text for text in map(_why_stuck, run.waits) if text), "")
        if reason:
            where = outcome.stuck[0].location if outcome.stuck else None
            raise Fail(f"{outcome.deadlock_message(call)} {reason}", where)
    return outcome.result(call)


def _why_stuck(state: QueueState) -> str:
    undone = state.unfinished - state.waiting
    if state.method == "put":
        return "" if state.getters else (
            f"A task waits in queue.put() for room in the queue, which holds {state.waiting} "
            f"jobs, and no task is waiting in queue.get() to take one: the workers had ended "
            f"(or were stuck elsewhere).")
    if undone > 0:
        return (f"A task waits in queue.join(), which returns once task_done() has been called "
                f"for every job put in the queue; {undone} jobs were taken from it and never "
                f"marked done with task_done() - look at every way a job can end, errors "
                f"included.")
    if state.waiting and not state.getters:
        return (f"A task waits in queue.join() while {state.waiting} jobs are still in the "
                f"queue, and no worker is waiting to take them: the workers had ended.")
    return ""


async def _cancel_midway(process_all: Callable[..., Awaitable[Any]], pipeline: Pipeline,
                         run: Run) -> Any:
    loop = asyncio.get_running_loop()
    me = asyncio.current_task()
    task = loop.create_task(process_all(pipeline.jobs(), pipeline.handler(), pipeline.workers,
                                        pipeline.maxsize))
    await asyncio.wait([task], timeout=pipeline.duration * 1.5)
    if task.done():
        return await task  # it failed (or ended) before any cancellation
    run.cancelled_at = loop.time()
    pipeline.cancelled = True
    task.cancel()
    await asyncio.wait([task], timeout=GRACE)
    if not task.done():
        run.state = "running"
    elif task.cancelled():
        run.state = "cancelled"
    elif task.exception() is not None:
        run.state, run.error = "raised", task.exception()
    else:
        run.state = "returned"
    others = [other for other in asyncio.all_tasks() if other not in (me, task) and not other.done()]
    run.left_running = [snapshot(other) for other in others]
    # Cancelled, yet running outside handle: it caught the cancellation and carried on.
    run.swallowed = [snapshot(other) for other in others
                     if other.cancelling() and id(other) not in pipeline.inside]
    run.cleaning_up = sum(id(other) in pipeline.inside and other.cancelling() > 0
                          for other in others)
    run.jobs_still_running = pipeline.in_flight.now
    return None


def _pair(value: Any, call: str) -> tuple[dict[str, Any], dict[str, Any]]:
    if (not isinstance(value, tuple | list) or len(value) != 2
            or not all(isinstance(part, dict) for part in value)):
        raise Fail(f"{call} returned {_short(value)}; it should return a pair of two dicts, "
                   f"(results, errors).")
    return value[0], value[1]


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _names(jobs: list[str] | set[str]) -> str:
    shown = sorted(jobs)
    return ", ".join(shown[:4]) + (f" and {len(shown) - 4} more" if len(shown) > 4 else "")


def _handled_once(pipeline: Pipeline, call: str, where: Any) -> None:
    if pipeline.strangers:
        raise Fail(f"{call} called handle({pipeline.strangers[0]!r}): handle must only get the "
                   f"jobs themselves (a value that tells a worker to stop must not reach it).",
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


# --- the checks ---------------------------------------------------------------------------------

@check("every job is handled exactly once and its result returned", points=2)
def test_every_job_done_once(solution: Solution) -> None:
    process_all, pipeline, run = _process_all(solution), _pipeline(), Run()
    outcome = run_virtual(partial(_feed, process_all, pipeline, run))
    call, where = pipeline.call(), solution.definition_of("process_all")
    results, errors = _pair(_result(outcome, run, call), call)
    _handled_once(pipeline, call, where)
    expected = pipeline.expected_results()
    missing = [job for job in expected if job not in results]
    expect(not missing, f"{call} handled all {len(expected)} jobs, but results has no entry for "
                        f"{len(missing)} of them ({_names(missing)}).", where)
    wrong = [job for job in expected if results[job] != expected[job]]
    expect(not wrong, f"results[{wrong[0]!r}] is {_short(results.get(wrong[0]))}; handle "
                      f"returned {expected[wrong[0]]!r} for it." if wrong else "", where)
    extra = [job for job in results if job not in expected]
    expect(not extra, f"results holds keys that are not jobs: {_short(extra)}.", where)
    expect(not errors, f"No job failed, but errors is {_short(errors)}; it should be empty.", where)


@check("the workers handle jobs at the same time, as many as `workers`", points=2)
def test_workers_run_at_once(solution: Solution) -> None:
    process_all = _process_all(solution)
    shapes = [*CROWDED, None]  # the fixed shapes first: the same message on every seed
    for shape in shapes:
        _check_pool(solution, process_all, _pipeline(hundredths=True, one_left=True, shape=shape))


def _check_pool(solution: Solution, process_all: Callable[..., Awaitable[Any]],
                pipeline: Pipeline) -> None:
    run = Run()
    outcome = run_virtual(partial(_feed, process_all, pipeline, run))
    call, where = pipeline.call(), solution.definition_of("process_all")
    _result(outcome, run, call)
    record(timeline=pipeline.in_flight.timeline())
    most, workers, count = pipeline.in_flight.high_water, pipeline.workers, len(pipeline.names)
    took = f"{outcome.elapsed:.2f} s of simulated time"
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
    timers = run.spy.student_timers if run.spy else []
    polls = (f" The code set {len(timers)} timers of its own meanwhile: it polls instead of "
             f"waiting on the queue." if len(timers) >= 3 else "")
    if outcome.elapsed > pipeline.needed + 1e-3:
        raise Fail(f"The {count} jobs of {call} took {took}, but {workers} workers that each take "
                   f"the next job as soon as they finish one need {pipeline.needed:.2f} s "
                   f"({pipeline.rounds} rounds of {pipeline.duration:.2f} s): workers sat idle "
                   f"while jobs waited.{polls or few}", timers[0] if timers else where)
    if polls:
        idle = f"{workers - 1} workers" if workers > 2 else "the other worker"
        raise Fail(f"While the last job ran, {idle} had nothing to do, and kept "
                   f"waking up to look for work: {len(timers)} timers set by the code in "
                   f"{took}. It polls instead of waiting on the queue, which wakes a worker "
                   f"only when a job comes.", timers[0])


@check("the queue holds at most `maxsize` jobs: the producer waits while it is full", points=2)
def test_queue_applies_backpressure(solution: Solution) -> None:
    process_all = _process_all(solution)
    # The lesson's own example first (maxsize=1: a queue one smaller would have no bound at all),
    # then a random shape.
    for shape in (EXAMPLE, None):
        _check_backlog(solution, process_all, _pipeline(shape=shape))


def _check_backlog(solution: Solution, process_all: Callable[..., Awaitable[Any]],
                   pipeline: Pipeline) -> None:
    run = Run()
    outcome = run_virtual(partial(_feed, process_all, pipeline, run))
    call, where = pipeline.call(), solution.definition_of("process_all")
    _result(outcome, run, call)
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
def test_failing_job_does_not_stop_the_pool(solution: Solution) -> None:
    process_all = _process_all(solution)
    _check_failures(solution, process_all, _pipeline(broken=2))
    # Every worker's first job fails: a worker that stops at its first failure leaves none.
    pipeline = _pipeline()
    pipeline.broken = set(pipeline.names[:pipeline.workers])
    outcome = _check_failures(solution, process_all, pipeline)
    if outcome.elapsed > pipeline.needed + 1e-3:
        raise Fail(f"{pipeline.call()}: handle raised for the first {pipeline.workers} jobs, "
                   f"one for each worker, and then the {len(pipeline.names)} jobs took "
                   f"{outcome.elapsed:.2f} s of simulated time; {pipeline.workers} workers that "
                   f"go on with the next job after a failure need {pipeline.needed:.2f} s. Fewer "
                   f"workers were left after the failures.", solution.definition_of("process_all"))


def _check_failures(solution: Solution, process_all: Callable[..., Awaitable[Any]],
                    pipeline: Pipeline) -> Outcome[Any]:
    run = Run()
    outcome = run_virtual(partial(_feed, process_all, pipeline, run))
    call, where = pipeline.call(), solution.definition_of("process_all")
    broken = _names(pipeline.broken)
    if isinstance(outcome.error, JobError):
        raise Fail(f"handle raised JobError for {broken}, and {call} raised "
                   f"{describe_exception(outcome.error)}: one failing job stopped everything. "
                   f"Each job's error belongs in errors, and the other jobs must still be done.",
                   location_of_traceback(outcome.error.__traceback__) or where)
    results, errors = _pair(_result(outcome, run, call), call)
    _handled_once(pipeline, call, where)
    expected = pipeline.expected_results()
    missing = [job for job in expected if job not in results]
    expect(not missing, f"handle raised JobError for {broken}, and then results had no entry "
                        f"for {len(missing)} jobs that succeeded ({_names(missing)}).", where)
    unreported = [job for job in pipeline.broken if job not in errors]
    expect(not unreported, f"handle raised JobError for {broken}, but errors has no entry for "
                           f"{_names(unreported)}: {_short(errors)}.", where)
    for job in sorted(pipeline.broken):
        sent = pipeline.raised[job]
        expect(errors[job] is sent or (type(errors[job]) is JobError and errors[job].args == sent.args),
               f"errors[{job!r}] is {_short(errors[job])}; it should be the exception handle "
               f"raised: {sent!r}.", where)
    extra = [job for job in errors if job not in pipeline.broken]
    expect(not extra, f"errors holds {_names(extra)}, which did not fail.", where)
    expect(not [job for job in results if job in pipeline.broken],
           f"results holds jobs that failed ({broken}); they belong in errors only.", where)
    return outcome


@check("when process_all returns, no worker task is left", points=2)
def test_no_worker_left_behind(solution: Solution) -> None:
    process_all, pipeline, run = _process_all(solution), _pipeline(), Run()
    outcome = run_virtual(partial(_feed, process_all, pipeline, run))
    call = pipeline.call()
    _result(outcome, run, call)
    if run.left_at_return:
        first = run.left_at_return[0]
        raise Fail(f"{call} returned while {len(run.left_at_return)} of its tasks were still "
                   f"running ({first.describe()}): every worker must have ended - not only been "
                   f"told to stop - by the time process_all returns.",
                   first.location or solution.definition_of("process_all"))
    outcome.require_clean(call)


@check("cancelling process_all stops its workers", points=2)
def test_cancelling_stops_the_workers(solution: Solution) -> None:
    process_all = _process_all(solution)
    # Cancelled while it still feeds the queue, and once every job is in it (waiting for the
    # last ones to be done): code that stops its workers in only one of the two places fails.
    for joining in (False, True):
        _check_cancel(solution, process_all, _cancel_pipeline(joining=joining), joining)


def _cancel_pipeline(*, joining: bool) -> Pipeline:
    """Jobs for a cancellation after 1.5 rounds: with `joining`, all of them fit in the workers
    and the queue at once, so feeding is over; without, feeding goes on well after it."""
    pipeline = _pipeline()
    workers, maxsize = pipeline.workers, pipeline.maxsize
    count = workers + maxsize if joining else 2 * workers + maxsize + 4
    pipeline.names = [f"{rand.word(4)}{index}" for index in range(count)]
    pipeline.cleanup = round(pipeline.duration / 2, 2)  # so a worker takes time to end
    return pipeline


def _check_cancel(solution: Solution, process_all: Callable[..., Awaitable[Any]],
                  pipeline: Pipeline, joining: bool) -> None:
    run = Run()
    outcome = run_virtual(partial(_cancel_midway, process_all, pipeline, run))
    call, where = pipeline.call(), solution.definition_of("process_all")
    outcome.result(call)
    phase = ("every job had been taken from the iterator" if joining else
             "it was still taking jobs from the iterator")
    cancelled = (f"{call} was cancelled after {run.cancelled_at:.2f} s of simulated time, when "
                 f"{phase}")
    swallowed = ""
    if run.swallowed:
        swallowed = (f" {len(run.swallowed)} of them caught the cancellation and carried on "
                     f"({run.swallowed[0].describe()}): an `except` that catches CancelledError "
                     f"(or BaseException) keeps a task from being stopped.")
    if run.state == "running":
        waiting = "; ".join(dict.fromkeys(task.describe() for task in run.left_running))
        raise Fail(f"{cancelled}, and {GRACE:g} s later it had still not ended. Still running: "
                   f"{waiting}.{swallowed}", run.left_running[0].location if run.left_running
                   else where)
    if run.left_running:
        cleaning = (f" {run.cleaning_up} of them were still in handle, which takes "
                    f"{pipeline.cleanup:g} s to tidy up after a cancellation before it ends: "
                    f"process_all ended while they were still running, without waiting for "
                    f"its workers to end."
                    if run.cleaning_up else "")
        raise Fail(f"{cancelled}; it ended, but {len(run.left_running)} of its tasks kept running "
                   f"({run.left_running[0].describe()}): cancelling process_all must stop its "
                   f"workers too.{swallowed}{cleaning}", run.left_running[0].location or where)
    if pipeline.after_cancel:
        raise Fail(f"{cancelled}; after that, handle was still called for "
                   f"{len(pipeline.after_cancel)} more jobs ({_names(pipeline.after_cancel)}): "
                   f"once process_all is cancelled its workers must stop, not start new jobs.",
                   where)
    if run.state == "returned":
        raise Fail(f"{cancelled}, and it returned as if nothing happened: it swallowed the "
                   f"cancellation. The code that cancelled it must see it cancelled.", where)
    if run.state == "raised" and run.error is not None:
        raise Fail(f"{cancelled}, and it raised {describe_exception(run.error)} instead of ending "
                   f"cancelled.", location_of_traceback(run.error.__traceback__) or where)
    expect(run.jobs_still_running == 0,
           f"{cancelled}; {run.jobs_still_running} jobs were still being handled after it ended.",
           where)

