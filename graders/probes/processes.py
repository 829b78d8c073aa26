"""Probes for code that hands work to worker processes: where each call ran, how many ran at once,
and what the pools left behind.

`ProcessWork` is a function for student code to run in a `ProcessPoolExecutor`; what student
code gets is its `function()`, a `Func` that pickles as a token for it in a registry of this
module. `ProcessWork.running()` makes every process pool started meanwhile start its workers by
fork: they inherit the registry, the student's module (a function defined at its top level
unpickles there too) and the memory the calls share with the grading process, where each call
records the process it ran in - the grading process, the one running the event loop, means the
work did not go to another process (on the loop's own thread, the loop was blocked; on another
thread, it ran in a thread pool). Calls in worker processes optionally:
- meet at a `multiprocessing.Barrier` of `barrier` (it fills only if that many calls run in
  worker processes at the same moment);
- wait for the heartbeat (`beat`, run beside the student's code) to tick after they started (it
  ticks only if the loop keeps running while they run);
- after the barrier, return in the order `finish_order` draws: each waits until the results of
  the calls drawn before it have reached the grading process, so results arrive in that order.

`running()` also records every pool made (its size, where, how much was submitted to it, whether
it was shut down) and every worker process started, holds looptime's clock while work submitted
from the loop runs (looptime does this itself only for `run_in_executor`), and makes a pool made
without max_workers as large as a machine of `CPUS` cores would make it, so that its size is the
same on every machine. On the way out it notes what was left behind (pools never shut down,
worker processes still running), then shuts those pools down and ends those processes.

Real-time limits (`PATIENCE`) only stop code that would otherwise wait for ever; correct code
meets the barrier or sees a tick within milliseconds, so they never decide its verdict. The wait
at the barrier also ends as soon as the outcome is known: the run ended, or the loop went idle for
`SETTLE_TICKS` heartbeat ticks (0.2 s of loop time) while every call submitted so far came from
its own thread, into pools that cannot run `barrier` calls at once. Correct code submits every
call before the loop is first idle; after that only a call that ends could make room for another,
and the calls submitted wait at the barrier or behind it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import itertools
import multiprocessing
import multiprocessing.process
import os
import pickle
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from graders.probes.handed import handed
from graders.probes.student import caller_location
from graders.probes.threads import _hold_loop_time
from graders.results import Location

# Real seconds a call waits for the others at the barrier, for a heartbeat tick or for its turn
# to return; a worker process ended by the grader is given as long to exit.
PATIENCE = 5.0
# The cores a pool made without max_workers is sized for (os.cpu_count while `running`).
CPUS = 2
# Heartbeat ticks of an idle loop, with every submission made, after which a barrier that the
# pools cannot fill is given up.
SETTLE_TICKS = 20
# Calls recorded at most (more are counted, not recorded).
CAPACITY = 256

try:
    _FORK: Any = multiprocessing.get_context("fork")
except ValueError:  # no fork (Windows): exercise 13 is not graded there, but this imports
    _FORK = multiprocessing.get_context()
_sleep = asyncio.sleep
_pause = threading.Event().wait  # a sleep nobody can patch (time.sleep may be spied on)
_monotonic = time.monotonic
_get_running_loop = asyncio.events._get_running_loop
_POOL = concurrent.futures.ProcessPoolExecutor
_THREADS = concurrent.futures.ThreadPoolExecutor
_REGISTRY: dict[int, ProcessWork] = {}
_tokens = itertools.count(1)

# Where a call ran (the `where` column of the shared records).
WORKER, LOOP_THREAD, LOOP_PROCESS_THREAD = 0, 1, 2


@handed
class ComputeError(Exception):
    """What a ProcessWork raises for an item in `failures` (it pickles: it crosses processes)."""


@handed
class WorkLost(RuntimeError):
    """A worker process that does not know the work: its pool did not fork it (e.g. a pool with
    max_tasks_per_child, which starts its processes afresh)."""


def _work_by_token(token: int) -> ProcessWork:
    """How a ProcessWork is found again in a worker process (inherited by fork)."""
    try:
        return _REGISTRY[token]
    except KeyError:
        raise WorkLost("this worker process was not forked from the grading process, so it "
                       "cannot find func") from None


@handed
class Func:
    """What student code gets: calling it calls the ProcessWork, which it reaches only through
    a private token (the ProcessWork's public records must stay out of reach). It pickles as
    that token, and finds its ProcessWork again in a worker process forked from the grader."""

    __slots__ = ("_token",)

    def __init__(self, token: int) -> None:
        self._token = token

    def __call__(self, item: Any) -> Any:
        return _work_by_token(self._token)(item)

    def __reduce__(self) -> tuple[type[Func], tuple[int]]:
        return Func, (self._token,)

    def __repr__(self) -> str:
        return "func"


@dataclass
class Call:
    """One call of a ProcessWork: its argument, the process (and kind of thread) it ran in."""

    item: Any
    pid: int
    where: int  # WORKER, LOOP_THREAD or LOOP_PROCESS_THREAD
    location: Location | None = None  # where a call on the loop's thread came from


@dataclass(eq=False)
class PoolRecord:
    """A pool made while `running`: its size, where it was made, what it did."""

    executor: Any
    max_workers: int
    asked: int | None  # the max_workers it was given (None: the default)
    location: Location | None
    processes: bool = True  # a ProcessPoolExecutor (else a ThreadPoolExecutor)
    forks: bool = True  # its worker processes are forked (they share what the checks give)
    submitted: int = 0
    shut_down: bool = False
    manager: threading.Thread | None = None  # the pool's own thread, when it was shut down


@dataclass
class Leftovers:
    """What a run left behind, noted before it was cleaned up."""

    pools: list[PoolRecord] = field(default_factory=list)  # process pools never shut down
    running: int = 0  # worker processes of those pools still running
    lingering: int = 0  # worker processes of pools shut down, still running PATIENCE s later


@dataclass(eq=False)
class ProcessWork:
    """A function `work(item)` that returns `answers[item]` and records how it was run. Student
    code gets `function()`, a picklable stand-in that calls it.

    - `failures`: items for which it raises ComputeError(message) instead.
    - `barrier`: how many calls must run in worker processes at once (0: none).
    - `heartbeat`: each call in a worker process waits for `beat` to tick after it started.
    - `finish_order`: items in the order their results must reach the grading process (applied
      only once the barrier filled: then every call is running and none waits in vain).

    A call made in the grading process itself never waits: it is recorded and returns.
    """

    answers: dict[Any, Any]
    failures: dict[Any, str] = field(default_factory=dict)
    barrier: int = 0
    heartbeat: bool = False
    finish_order: list[Any] = field(default_factory=list)
    patience: float = PATIENCE
    interval: float = 0.01
    loop_pid: int = field(default_factory=os.getpid)
    loop_thread: int = field(default_factory=threading.get_ident)
    pools: list[PoolRecord] = field(default_factory=list)
    # Each worker process started (a multiprocessing.Process) and the pool that started it.
    processes: list[tuple[Any, PoolRecord | None]] = field(default_factory=list)
    leftovers: Leftovers = field(default_factory=Leftovers)
    local_calls: list[Call] = field(default_factory=list)  # calls in the grading process
    started_processes: int = 0  # worker processes started during the run

    def __post_init__(self) -> None:
        self.token = next(_tokens)
        self._items = list(self.answers)
        self._rank = {item: rank for rank, item in enumerate(self.finish_order)}
        self._ranked_answers = {self.answers[item] for item in self.finish_order}
        self._lock = _FORK.Lock()
        self._records = _FORK.RawArray("q", CAPACITY * 3)
        # count, in flight now, high water, ticks, delivered, barrier broken, loop stalled, over
        self._state = _FORK.RawArray("q", 8)
        self._barrier = _FORK.Barrier(self.barrier) if self.barrier else None
        self._submitted_elsewhere = False
        self._idle_ticks = 0
        self._thread_lock = threading.Lock()
        self._starting = threading.local()  # the pool whose submit is starting processes
        self._held: list[Any] = []  # looptime's markers of work held (it keeps them weakly)

    def function(self) -> Func:
        """What student code gets: a picklable function that calls this ProcessWork."""
        return Func(self.token)

    # The call ----------------------------------------------------------------------------------

    def __call__(self, item: Any) -> Any:
        pid = os.getpid()
        here = pid == self.loop_pid
        where = WORKER if not here else (
            LOOP_THREAD if threading.get_ident() == self.loop_thread else LOOP_PROCESS_THREAD)
        self._record(item, pid, where)
        self._enter()
        try:
            if not here:
                met = self._meet_the_others()
                if self.heartbeat:
                    self._wait_for_tick()
                if met and item in self._rank:
                    self._wait_for_turn(self._rank[item])
        finally:
            self._leave()
        if item in self.failures:
            raise ComputeError(self.failures[item])
        return self.answers[item]

    def _record(self, item: Any, pid: int, where: int) -> None:
        index = self._items.index(item) if item in self._items else -1
        with self._lock:
            count = self._state[0]
            self._state[0] = count + 1
            if count < CAPACITY:
                self._records[count * 3: count * 3 + 3] = [index, pid, where]
        if where != WORKER:
            location = caller_location() if where == LOOP_THREAD else None
            with self._thread_lock:
                self.local_calls.append(Call(item, pid, where, location))

    def _enter(self) -> None:
        with self._lock:
            self._state[1] += 1
            self._state[2] = max(self._state[2], self._state[1])

    def _leave(self) -> None:
        with self._lock:
            self._state[1] -= 1

    def _meet_the_others(self) -> bool:
        if self._barrier is None:
            return False
        try:
            self._barrier.wait(timeout=self.patience)
        except threading.BrokenBarrierError:
            self._state[5] = 1
            return False
        return True

    def _wait_for(self, done: Callable[[], bool]) -> bool:
        give_up = _monotonic() + self.patience
        while not done():
            if self._state[7] or _monotonic() > give_up:
                return False
            _pause(0.002)
        return True

    def _wait_for_tick(self) -> None:
        seen = self._state[3]
        if not self._wait_for(lambda: self._state[3] > seen or bool(self._state[6])):
            self._state[6] = 1  # one call waiting in vain is proof enough

    def _wait_for_turn(self, rank: int) -> None:
        self._wait_for(lambda: self._state[4] >= rank)

    # The heartbeat (on the loop) --------------------------------------------------------------

    async def beat(self) -> None:
        """Ticks every `interval` loop seconds; gives up a barrier that cannot fill any more."""
        while True:
            await _sleep(self.interval)
            self._state[3] += 1
            self._give_up_if_settled()

    def _give_up_if_settled(self) -> None:
        if self._barrier is None or self._state[5] or self._submitted_elsewhere:
            return
        at_once = sum(min(pool.max_workers, pool.submitted) for pool in self.pools
                      if pool.processes)
        if at_once == 0 or at_once >= self.barrier:
            self._idle_ticks = 0
            return
        self._idle_ticks += 1
        if self._idle_ticks >= SETTLE_TICKS:
            self._state[5] = 1
            self._barrier.abort()

    # What was measured -------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        with self._lock:
            count = min(self._state[0], CAPACITY)
            rows = list(self._records[:count * 3])
        found = []
        for at in range(count):
            index, pid, where = rows[at * 3: at * 3 + 3]
            found.append(Call(self._items[index] if index >= 0 else "?", pid, where))
        return found

    @property
    def high_water(self) -> int:
        return self._state[2]

    @property
    def barrier_broken(self) -> bool:
        return bool(self._state[5])

    @property
    def loop_stalled(self) -> bool:
        return bool(self._state[6])

    @property
    def on_loop_thread(self) -> list[Call]:
        return [call for call in self.local_calls if call.where == LOOP_THREAD]

    @property
    def in_loop_threads(self) -> list[Call]:
        return [call for call in self.local_calls if call.where == LOOP_PROCESS_THREAD]

    @property
    def worker_pids(self) -> set[int]:
        return {call.pid for call in self.calls if call.where == WORKER}

    def process_pools(self) -> list[PoolRecord]:
        return [pool for pool in self.pools if pool.processes]

    def thread_pools(self) -> list[PoolRecord]:
        return [pool for pool in self.pools if not pool.processes]

    # The run -----------------------------------------------------------------------------------

    @contextmanager
    def running(self) -> Iterator[ProcessWork]:
        """Around the student's run: pools fork, are sized for CPUS cores and are recorded;
        what is left behind is noted, then ended."""
        _REGISTRY[self.token] = self
        method = multiprocessing.get_start_method(allow_none=True)
        multiprocessing.set_start_method("fork", force=True)
        patches = self._patches()
        originals = [(owner, name, owner.__dict__.get(name)) for owner, name, _ in patches]
        for owner, name, replacement in patches:
            setattr(owner, name, replacement)
        try:
            yield self
        finally:
            for owner, name, original in originals:
                if original is None:
                    delattr(owner, name)
                else:
                    setattr(owner, name, original)
            multiprocessing.set_start_method(method, force=True)
            self._state[7] = 1  # every wait ends
            if self._barrier is not None:
                self._barrier.abort()
            self.leftovers = self._clean_up()
            _REGISTRY.pop(self.token, None)

    def _patches(self) -> list[tuple[Any, str, Any]]:
        patches: list[tuple[Any, str, Any]] = [
            (_POOL, "__init__", self._spy_init(_POOL, processes=True)),
            (_THREADS, "__init__", self._spy_init(_THREADS, processes=False)),
            (_POOL, "submit", self._spy_submit(_POOL)),
            (_THREADS, "submit", self._spy_submit(_THREADS)),
            (_POOL, "shutdown", self._spy_shutdown(_POOL)),
            (multiprocessing.process.BaseProcess, "start", self._spy_start()),
            (concurrent.futures.Future, "set_result", self._spy_set_result()),
            (os, "cpu_count", lambda: CPUS),
        ]
        if hasattr(os, "process_cpu_count"):
            patches.append((os, "process_cpu_count", lambda: CPUS))
        return patches

    def _pool(self, executor: Any) -> PoolRecord | None:
        return next((pool for pool in self.pools if pool.executor is executor), None)

    def _spy_init(self, cls: type, processes: bool) -> Callable[..., None]:
        original = cls.__init__  # type: ignore[misc]

        def init(executor: Any, max_workers: int | None = None, *args: Any, **kwargs: Any) -> None:
            original(executor, max_workers, *args, **kwargs)
            context = getattr(executor, "_mp_context", None)
            forks = context is None or context.get_start_method() == "fork"
            self.pools.append(PoolRecord(executor, executor._max_workers, max_workers,
                                         caller_location(), processes, forks))

        return init

    def _spy_submit(self, cls: type) -> Callable[..., Any]:
        original = cls.submit

        def submit(executor: Any, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
            if threading.get_ident() != self.loop_thread:
                self._submitted_elsewhere = True  # first: the loop may tick while it submits
            pool = self._pool(executor)
            self._starting.pool = pool
            try:
                future = original(executor, fn, *args, **kwargs)
            finally:
                self._starting.pool = None
            if pool is not None:
                pool.submitted += 1
            wake = _hold_loop_time(future.done, self._held)
            if wake is not None:
                future.add_done_callback(lambda _: wake())
            return future

        return submit

    def _spy_shutdown(self, cls: type) -> Callable[..., Any]:
        original = cls.shutdown

        def shutdown(executor: Any, *args: Any, **kwargs: Any) -> Any:
            pool = self._pool(executor)
            if pool is not None:
                pool.shut_down = True
                pool.manager = pool.manager or getattr(executor, "_executor_manager_thread", None)
            return original(executor, *args, **kwargs)

        return shutdown

    def _spy_start(self) -> Callable[[Any], None]:
        original = multiprocessing.process.BaseProcess.start

        def start(process: Any) -> None:
            original(process)
            self.processes.append((process, getattr(self._starting, "pool", None)))

        return start

    def _spy_set_result(self) -> Callable[[Any, Any], None]:
        original = concurrent.futures.Future.set_result

        def set_result(future: Any, result: Any) -> None:
            # ProcessPoolExecutor.map sends its calls in chunks: a chunk's result is a list, which
            # map's reader empties as soon as it is set. Counted first, then.
            values = result if isinstance(result, list) else [result]
            ours = sum(1 for value in values if _hashable(value) in self._ranked_answers)
            original(future, result)
            if ours:
                with self._lock:
                    self._state[4] += ours

        return set_result

    def _clean_up(self) -> Leftovers:
        """Note the pools never shut down and the worker processes still running, then shut
        those pools down and end every worker process (killed if it outlasts PATIENCE)."""
        self.started_processes = len(self.processes)
        unshut = [pool for pool in self.process_pools() if not pool.shut_down]
        left = Leftovers(pools=unshut)
        left.running = sum(1 for process, pool in self.processes
                           if any(pool is other for other in unshut) and process.is_alive())
        for pool in self.pools:
            if not pool.shut_down or not pool.processes:
                pool.manager = pool.manager or getattr(pool.executor, "_executor_manager_thread",
                                                       None)
                _quietly(lambda pool=pool: pool.executor.shutdown(wait=False, cancel_futures=True))
        give_up = _monotonic() + self.patience
        for process, _ in self.processes:
            process.join(max(0.0, give_up - _monotonic()))
        for process, pool in self.processes:
            if process.is_alive():
                if not any(pool is other for other in unshut):
                    left.lingering += 1
                _quietly(process.kill)
                process.join(self.patience)
        for pool in self.pools:  # its thread must not be running when the next check forks
            if pool.manager is not None:
                pool.manager.join(max(0.0, give_up - _monotonic()))
        for pool in self.pools:  # no executor outlives the check through this record
            pool.executor = pool.manager = None
        self.processes.clear()
        return left


def _hashable(value: Any) -> Any:
    try:
        hash(value)
    except TypeError:
        return None
    return value


def _quietly(action: Callable[[], Any]) -> None:
    try:
        action()
    except Exception:  # noqa: BLE001 - cleanup of a pool the student's code broke
        pass


def pickling_error(error: BaseException | None) -> BaseException | None:
    """The error, among `error` and what it groups, that says the work could not be pickled to
    be sent to a worker process (a lambda, a nested function, an object holding a lock)."""
    if error is None:
        return None
    if isinstance(error, BaseExceptionGroup):
        for inner in error.exceptions:
            found = pickling_error(inner)
            if found is not None:
                return found
        return None
    text = str(error).lower()
    if isinstance(error, pickle.PicklingError) or (
            isinstance(error, AttributeError | TypeError)
            and ("pickle" in text or "local object" in text)):
        return error
    return None
