"""Run student coroutines on a virtual-time event loop and record what they did.

The loop is looptime's: whenever nothing is ready to run, its clock jumps to the next timer, so
`asyncio.sleep(5)` costs no wall time and loop time measures simulated latency exactly. Around the
loop this module adds what a verdict needs: a deadline in loop time (a deadlock fails at once and
says where each task waits), a guard against busy loops that never let the clock move, and the
leftovers of a run (tasks still pending, coroutines never awaited, exceptions never retrieved).
"""

from __future__ import annotations

import asyncio
import errno
import gc
import os
import random
import re
import sys
import threading
import warnings
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, Generic, TypeVar

import looptime

from graders.check import Fail, at_line
from graders.probes import inputs, stillness
from graders.probes.handed import handed
from graders.probes.student import (
    caller_location,
    describe_exception,
    is_student_file,
    is_timeout,
    location_in_frames,
    location_of_stack,
    location_of_traceback,
)
from graders.probes.values import as_written, explain
from graders.results import Location
from graders.trust.limits import OUTPUT_LIMIT

T = TypeVar("T")

# Private references: a submission that patches these later cannot change what the probes read.
_loop_time = looptime.LoopTimeEventLoop.time
_all_tasks = asyncio.all_tasks
_new_virtual_loop = looptime.new_event_loop


@dataclass
class _Judged:
    """Set in a submission process (graders/probes/submission.py): its loops read the judge's
    clock, and the judge, not a stillness proof of this process, decides when time moves."""

    new_loop: Callable[[], asyncio.AbstractEventLoop] | None = None


JUDGED = _Judged()


def _time_of(loop: asyncio.AbstractEventLoop) -> float:
    if JUDGED.new_loop is not None:
        return loop.time()
    return _loop_time(loop)  # type: ignore[arg-type]

# A loop whose clock stays still for this many rounds is spinning (e.g. `while ...: await
# asyncio.sleep(0)`): virtual time only moves when every task waits, so it would never end.
SPIN_ROUNDS = 50_000
# Loop seconds a task that swallows cancellation gets after the deadline before the run is cut.
GRACE = 10.0

# Where the grading's own code lives: a task whose coroutine is defined there may be the runtime's.
_GRADERS = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep

_CREATED_AT = re.compile(r'File "([^"]+)", line (\d+)')


@dataclass
class Pending:
    """A task that had not finished, and where it was waiting."""

    name: str
    location: Location | None

    def describe(self) -> str:
        return f"{self.name}{at_line(self.location)}"


@dataclass
class Leak:
    """Something a run left behind: a coroutine never awaited, an exception never retrieved."""

    text: str
    location: Location | None

    def describe(self) -> str:
        at = f" ({self.location.file}, line {self.location.line})" if self.location else ""
        return f"{self.text}{at}"


@dataclass
class Outcome(Generic[T]):
    value: T | None = None
    error: BaseException | None = None
    elapsed: float = 0.0
    timed_out: bool = False
    spun: bool = False
    limit: float = 0.0
    stuck: list[Pending] = field(default_factory=list)
    leftover_tasks: list[Pending] = field(default_factory=list)
    unawaited_tasks: list[Pending] = field(default_factory=list)
    never_awaited: list[Leak] = field(default_factory=list)
    unretrieved: list[Leak] = field(default_factory=list)
    loop_thread: int = 0
    spin_rounds: int = SPIN_ROUNDS
    # At the deadline: the farthest time a task had asked to wait until (an asyncio.sleep or a
    # timeout far past the limit: not a deadlock), in seconds from the run's start.
    asked_for: float | None = None

    def result(self, call: str) -> T:
        """The value the student's `call` returned; a Fail naming what went wrong otherwise."""
        self.require_an_end(call)
        if self.error is not None:
            raise Fail(describe_call_error(call, self.error), location_of_traceback(
                self.error.__traceback__))
        return self.value  # type: ignore[return-value]

    def require_an_end(self, call: str) -> None:
        """Fail if the run spun without waiting or never ended (a deadlock)."""
        if self.spun:
            raise Fail(f"{call} kept the event loop busy without ever waiting: the loop ran "
                       f"{self.spin_rounds:,} rounds while its clock stood still. Look for a loop that "
                       f"polls with `await asyncio.sleep(0)` instead of awaiting what it waits for.")
        if self.timed_out:
            raise Fail(self.deadlock_message(call), self.stuck[0].location if self.stuck else None)

    def deadlock_message(self, call: str) -> str:
        waiting = grouped(task.describe() for task in self.stuck)
        still = f" Still waiting: {waiting}." if waiting else ""
        if self.asked_for is not None and self.asked_for > 2 * self.limit:
            return (f"{call} had not finished after {self.limit:g} s of simulated time: it asked "
                    f"to wait {self.asked_for:,.6g} s of simulated time (an asyncio.sleep or a "
                    f"timeout that long), far past the {self.limit:g} s this check allows.{still}")
        return (f"{call} had not finished after {self.limit:g} s of simulated time: it waits for "
                f"something that never happens (a deadlock).{still}")

    def leak_messages(self) -> list[str]:
        messages = [f"a coroutine was created but never awaited: {leak.describe()}"
                    for leak in self.never_awaited]
        messages += [f"a task was still running when the call returned: {task.describe()}"
                     for task in self.leftover_tasks]
        messages += [f"a task was started and nobody awaited it: {task.describe()}"
                     for task in self.unawaited_tasks]
        messages += [f"a task's exception was never retrieved: {leak.describe()}"
                     for leak in self.unretrieved]
        counted = Counter(messages)  # five identical leaks read better as one line "(5 times)"
        return [text if count == 1 else f"{text} ({count} times)" for text, count in counted.items()]

    def require_clean(self, call: str) -> None:
        """Fail if the run left a coroutine never awaited, a task running or an error unread."""
        problems = self.leak_messages()
        if problems:
            raise Fail(f"{call} left work behind: " + "; ".join(problems) + ".",
                       self.first_leak_location())

    def first_leak_location(self) -> Location | None:
        places = [leak.location for leak in self.never_awaited + self.unretrieved]
        places += [task.location for task in self.leftover_tasks + self.unawaited_tasks]
        return next((place for place in places if place), None)


def grouped(items: Iterable[str]) -> str:
    """Descriptions joined with "; ", each once, with how many times it came when more than
    once: `worker() inside process_all at ex08_queues.py line 16 (3 tasks)`."""
    counted = Counter(items)
    return "; ".join(text if count == 1 else f"{text} ({count} tasks)"
                     for text, count in counted.items())


def describe_call_error(call: str, error: BaseException) -> str:
    if isinstance(error, NotImplementedError):
        return f"{call} is not written yet: it still raises NotImplementedError."
    if isinstance(error, SystemExit):
        return (f"{call} called sys.exit({error.code!r}) ({describe_exception(error)}): exercise "
                f"code must return its result, never end the program.")
    if isinstance(error, asyncio.CancelledError):
        return f"{call} was cancelled (CancelledError escaped from it)."
    if isinstance(error, OSError) and error.errno == errno.EFBIG:
        return (f"{call} printed more than {OUTPUT_LIMIT // 1024**2} MB of output; grading keeps no "
                f"more than that ({describe_exception(error)}).")
    explained = explain(error)
    return f"{call} raised {describe_exception(error)}" + (f". {explained}" if explained else "")


@handed
class _WatchedTask(asyncio.Task):  # type: ignore[type-arg]
    """A task that remembers where it was created and whether anyone ever waited for it.

    Student code gets these tasks: what they remember is private, so their public attributes are
    a Task's own."""

    def __init__(self, coro: Any, *, loop: asyncio.AbstractEventLoop, hashes: random.Random,
                 **kwargs: Any) -> None:
        # A drawn hash, not one from the memory address: a set of tasks (asyncio.wait's `done`)
        # then iterates in an order drawn from the check's seeded data, so code that reads
        # results in set order is right by luck only as often as a random order is. Set first:
        # the task registers itself in a weak set as it is made.
        self._hash = hashes.getrandbits(62)
        super().__init__(coro, loop=loop, **kwargs)
        self._created_at = caller_location()
        self._observed = False

    def add_done_callback(self, *args: Any, **kwargs: Any) -> None:
        self._observed = True
        super().add_done_callback(*args, **kwargs)

    def __await__(self) -> Any:
        self._observed = True  # awaiting a finished task reads its result without result()
        return super().__await__()

    __iter__ = __await__

    def result(self) -> Any:
        self._observed = True
        return super().result()

    def exception(self) -> BaseException | None:
        self._observed = True
        return super().exception()

    def __hash__(self) -> int:
        return self._hash


class _Abort(BaseException):
    """Raised out of the loop's select() to stop a run that cannot end by itself."""


@dataclass
class _Watch:
    loop: asyncio.AbstractEventLoop
    still_rounds: int = 0
    last_time: float = -1.0
    deadline: float = 0.0
    spun: bool = False
    timed_out: bool = False
    stuck: list[Pending] = field(default_factory=list)
    loop_errors: list[dict[str, Any]] = field(default_factory=list)
    spin_rounds: int = SPIN_ROUNDS
    asked_until: float | None = None  # the farthest timer at the deadline

    def install(self) -> None:
        selector = self.loop._selector  # type: ignore[attr-defined]
        original = selector.select

        def guarded_select(timeout: float | None) -> Any:
            self.observe()
            return original(timeout)

        selector.select = guarded_select
        self.loop.set_exception_handler(lambda _loop, context: self.loop_errors.append(context))

    def observe(self) -> None:
        now = _time_of(self.loop)
        if now != self.last_time:
            self.last_time, self.still_rounds = now, 0
        else:
            self.still_rounds += 1
        if self.still_rounds > self.spin_rounds and not self.timed_out:
            self.spun = True
            raise _Abort
        if self.timed_out and now > self.deadline + GRACE:
            raise _Abort

    def on_deadline(self, main: asyncio.Task[Any]) -> None:
        self.timed_out = True
        timers = [handle.when() for handle in getattr(self.loop, "_scheduled", ())
                  if not handle.cancelled()]
        self.asked_until = max(timers, default=None)
        stuck = [snapshot(task) for task in _all_tasks(self.loop)
                 if not task.done() and not _runtimes_own(task)]
        self.stuck = sorted(stuck, key=lambda task: task.location is None)  # located ones first
        main.cancel()
        self._keep_time_moving()

    def _keep_time_moving(self) -> None:
        # A task that swallows the cancellation may wait on nothing; keep a timer so the clock
        # reaches deadline + GRACE and observe() ends the run.
        self.loop.call_later(1.0, self._keep_time_moving)


def snapshot(task: asyncio.Task[Any]) -> Pending:
    """The task's innermost student coroutine and where it waits (or where it was created),
    named by what it runs, as the student wrote it (never `Task-14`, nor a `<locals>` qualname)."""
    chain = _await_chain(task.get_coro()) if not task.done() else []
    students = [(name, frame) for name, frame in chain if is_student_file(frame.f_code.co_filename)]
    runs = getattr(task.get_coro(), "__qualname__", None)
    name, _ = (students or chain or [(runs or task.get_name(), None)])[0]
    where = location_of_stack(frame for _, frame in chain) if chain else None
    return Pending(name=as_written(name), location=where or getattr(task, "_created_at", None))


def _runtimes_own(task: asyncio.Task[Any]) -> bool:
    """A task of the grading's own (run_virtual's main, a command of the judge's) that waits in
    no code of the student's and runs nothing the world handed over: not the student's to be
    told about. A world object's method keeps its own name (`wait`), not its code's; a library's
    coroutine (`asyncio.sleep`) the student made a task of is theirs."""
    coroutine = task.get_coro()
    code = getattr(coroutine, "cr_code", None)
    if code is None or not code.co_filename.startswith(_GRADERS):
        return False
    if any(is_student_file(frame.f_code.co_filename) for _, frame in _await_chain(coroutine)):
        return False
    return getattr(coroutine, "__qualname__", "") == code.co_qualname


def _await_chain(coroutine: Any) -> list[tuple[str, FrameType]]:
    """(name, frame) of each coroutine in the chain a suspended task is awaiting, outermost first.
    A task's own stack shows only its outer coroutine, often the grader's wrapper."""
    chain = []
    while coroutine is not None and len(chain) < 100:
        frame = getattr(coroutine, "cr_frame", None) or getattr(coroutine, "gi_frame", None)
        if frame is None:
            break
        chain.append((getattr(coroutine, "__qualname__", "?"), frame))
        coroutine = getattr(coroutine, "cr_await", None) or getattr(coroutine, "gi_yieldfrom", None)
    return chain


def _unawaited(tasks: list[_WatchedTask], helpers: list[asyncio.Task[Any]]) -> list[Pending]:
    return [snapshot(task) for task in tasks
            if task.done() and not task._observed and task not in helpers]


def run_virtual(
    factory: Callable[[], Awaitable[T]],
    *,
    limit: float = 120.0,
    background: Sequence[Callable[[], Awaitable[Any]]] = (),
    spin_rounds: int = SPIN_ROUNDS,
) -> Outcome[T]:
    """Run `factory()` to completion on a fresh virtual-time loop, at most `limit` loop seconds.

    `background` coroutines (heartbeats, fake servers) run beside it and are cancelled after it.
    `spin_rounds`: rounds with a still clock that count as a busy loop; a check whose correct
    code never needs many may pass fewer, so a spinning submission is stopped sooner.
    """
    loop = JUDGED.new_loop() if JUDGED.new_loop is not None else _new_virtual_loop()
    watch = _Watch(loop, spin_rounds=spin_rounds)
    watch.install()
    created: list[_WatchedTask] = []
    hashes = random.Random(inputs.rng.getrandbits(64))

    def task_factory(loop: asyncio.AbstractEventLoop, coro: Any, **kwargs: Any) -> _WatchedTask:
        task = _WatchedTask(coro, loop=loop, hashes=hashes, **kwargs)
        created.append(task)
        return task

    loop.set_task_factory(task_factory)  # type: ignore[arg-type]
    outcome: Outcome[T] = Outcome(limit=limit, loop_thread=threading.get_ident(),
                                  spin_rounds=spin_rounds)
    times: dict[str, float] = {}

    async def main() -> T:
        times["start"] = _time_of(loop)
        try:
            return await factory()
        finally:
            times["end"] = _time_of(loop)

    gc.collect()  # leaks of an earlier run must not be reported as this run's
    old_depth = sys.get_coroutine_origin_tracking_depth()
    sys.set_coroutine_origin_tracking_depth(32)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            helpers = [loop.create_task(_quiet(make())) for make in background]
            task = loop.create_task(main())
            watch.deadline = _time_of(loop) + limit
            loop.call_at(watch.deadline, watch.on_deadline, task)
            if JUDGED.new_loop is not None:
                _drive(loop, task)
            else:
                with stillness.tracking(), stillness.driving():  # blocked for ever: fails at once
                    _drive(loop, task)
            _settle(outcome, task, watch, times)
            stopped = _stopped_by_time_limit(outcome, created)
            if stopped is not None:
                # The check is over, as a timeout. Cancelling the other tasks would run student
                # code again with no time limit left.
                raise stopped
            if not watch.spun:
                outcome.unawaited_tasks = _unawaited(created, [*helpers, task])
                outcome.leftover_tasks = _stop_leftovers(loop, helpers)
        finally:
            _close(loop)
            del task
            created.clear()
            gc.collect()
            sys.set_coroutine_origin_tracking_depth(old_depth)
    outcome.never_awaited = [leak for leak in map(_never_awaited, caught) if leak]
    outcome.unretrieved = [leak for leak in map(_unretrieved, watch.loop_errors) if leak]
    return outcome


async def _quiet(awaitable: Awaitable[Any]) -> None:
    try:
        await awaitable
    except asyncio.CancelledError:
        pass


def _drive(loop: asyncio.AbstractEventLoop, task: asyncio.Task[Any]) -> None:
    try:
        loop.run_until_complete(task)
    except _Abort:
        pass
    except BaseException:  # noqa: BLE001 - the task's own failure is read from the task
        if not task.done():
            raise  # not the task's: e.g. pytest-timeout stopping a check that hangs the loop


def _stopped_by_time_limit(outcome: Outcome[Any], tasks: list[_WatchedTask]) -> BaseException | None:
    """pytest-timeout's error if it stopped a step of this run, or the stillness proof's if a step
    blocked the loop for ever: the task running that step caught it, and maybe kept it to itself
    (a task nobody awaits)."""
    if _is_hang(outcome.error):
        return outcome.error
    for task in tasks:
        if task.done() and not task.cancelled() and _is_hang(asyncio.Task.exception(task)):
            return task.exception()
    return None


def _is_hang(error: BaseException | None) -> bool:
    return is_timeout(error) or isinstance(error, stillness.Deadlock)


def _settle(outcome: Outcome[Any], task: asyncio.Task[Any], watch: _Watch,
            times: dict[str, float]) -> None:
    outcome.spun = watch.spun
    outcome.timed_out = watch.timed_out and not watch.spun
    outcome.stuck = watch.stuck
    if watch.asked_until is not None:
        outcome.asked_for = watch.asked_until - times.get("start", 0.0)
    outcome.elapsed = times.get("end", watch.last_time) - times.get("start", 0.0)
    if not task.done() or task.cancelled():
        if not watch.timed_out and not watch.spun:
            outcome.error = asyncio.CancelledError()
        return
    outcome.error = task.exception()
    if outcome.error is None:
        outcome.value = task.result()


def _stop_leftovers(loop: asyncio.AbstractEventLoop,
                    helpers: list[asyncio.Task[Any]]) -> list[Pending]:
    pending = [task for task in _all_tasks(loop) if not task.done()]
    leftovers = [snapshot(task) for task in pending if task not in helpers]
    for task in pending:
        task.cancel()
    if pending:
        try:
            loop.run_until_complete(asyncio.wait(pending, timeout=GRACE))
        except BaseException:  # noqa: BLE001 - cleanup of code that misbehaves
            pass
    return leftovers


def _close(loop: asyncio.AbstractEventLoop) -> None:
    executor = getattr(loop, "_default_executor", None)
    if executor is not None:
        # A worker thread stuck in student code must not hold the grading up.
        executor.shutdown(wait=False, cancel_futures=True)
    # With tasks still pending (a spin, or a check stopped by pytest-timeout) running the loop
    # again would run them again: close it as it is.
    if not any(not task.done() for task in _all_tasks(loop)):
        try:
            loop.run_until_complete(loop.shutdown_asyncgens())
        except BaseException:  # noqa: BLE001
            pass
    loop.close()


def _never_awaited(record: warnings.WarningMessage) -> Leak | None:
    text = str(record.message)
    if not (issubclass(record.category, RuntimeWarning) and "was never awaited" in text):
        return None
    name = text.split("'")[1] if "'" in text else "a coroutine"
    frames = [(file, int(line)) for file, line in _CREATED_AT.findall(text)]
    return Leak(as_written(name), location_in_frames(frames))


def _unretrieved(context: dict[str, Any]) -> Leak | None:
    error = context.get("exception")
    if "never retrieved" not in str(context.get("message", "")) or error is None:
        return None
    return Leak(describe_exception(error), location_of_traceback(error.__traceback__))
