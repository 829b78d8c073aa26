"""Checks for exercise 9: run_limited keeps to a limit and uses all of it; Wallet loses no deposit.

run_limited gets jobs of different random lengths. Work in flight is counted (high-water mark),
and every job's interval in loop time shows whether a place stood empty while jobs waited: when
a job ends and others have not started yet, another must start at the same loop instant.

The fake account's read returns the balance as it was when the read began and its write stores a
value later; both take simulated time. Deposits that overlap between read and write overwrite
each other, deterministically.
"""

from __future__ import annotations

import asyncio
import heapq
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from graders.check import Fail, check, expect, record
from graders.probes import InFlight, Interval, Solution, run_virtual
from graders.probes import inputs as rand
from graders.probes.handed import handed
from graders.probes.loop import snapshot
from graders.probes.loopcalls import LoopSpy, spy_on_loop
from graders.probes.student import describe_exception, location_of_traceback
from graders.results import Location

HINTS = (
    "run_limited: start all the jobs together (gather or a TaskGroup), and make each one wait "
    "for a free place before it runs. Wallet: the read, the addition and the write of one deposit "
    "must happen without another deposit in between.",
    "One asyncio.Semaphore(limit), made once in run_limited and used by every job with "
    "`async with`, gives the places. One asyncio.Lock per wallet, made in __init__, keeps deposits "
    "apart - a lock made inside deposit is a new lock each time and keeps nobody out.",
    "Hold the wallet's lock from before the read until after the write, with `async with`: it is "
    "released even when the write raises. Awaiting each job inside the loop that starts them, or "
    "running them in batches, leaves places empty while jobs wait.",
)

_sleep = asyncio.sleep
EPSILON = 1e-6


# --- run_limited --------------------------------------------------------------------------------

@dataclass
class Batch:
    """Jobs of different lengths that count how many run at once."""

    limit: int
    durations: list[float]
    token: str = field(default_factory=lambda: rand.word(5))
    in_flight: InFlight = field(default_factory=InFlight)
    runs: Counter[int] = field(default_factory=Counter)

    def result_for(self, index: int) -> str:
        return f"job{index}-{self.token}"

    def jobs(self) -> list[Callable[[], Awaitable[str]]]:
        """What run_limited is given: plain coroutine functions (a partial of a bound method
        would lead, through its func, to this batch's counters and token)."""
        return [self._job(index) for index in range(len(self.durations))]

    def _job(self, index: int) -> Callable[[], Awaitable[str]]:
        batch = self

        async def job() -> str:
            return await batch._run(index)

        return job

    async def _run(self, index: int) -> str:
        self.runs[index] += 1
        async with self.in_flight.track(f"job {index}"):
            await _sleep(self.durations[index])
        return self.result_for(index)

    def call(self) -> str:
        return f"run_limited(jobs, limit={self.limit})"

    def needed(self) -> float:
        """The time when each job starts, in order, the moment a place is free."""
        places = [0.0] * self.limit
        for duration in self.durations:
            heapq.heappush(places, heapq.heappop(places) + duration)
        return max(places)


def _batch() -> Batch:
    limit = rand.rng.randint(2, 4)
    count = rand.rng.randint(2 * limit + 1, 12)
    return Batch(limit, [step / 1000 for step in rand.rng.sample(range(500, 3001), count)])


async def _run_batch(run_limited: Callable[..., Awaitable[Any]], batch: Batch,
                     spied: list[LoopSpy]) -> Any:
    with spy_on_loop() as spy:
        spied.append(spy)
        return await run_limited(batch.jobs(), batch.limit)


# Jobs in the batch that ends in reverse order. Results read off a set of tasks (asyncio.wait's
# `done`) are in the order of jobs by luck, with the drawn task hashes, 1e-6 of the time for 10
# tasks and under 1e-7 for 12 (none in 3e7 draws; about 1e-8 going by 1/12!); with 5-8 jobs here
# the whole check let such code pass about 1e-6 of the time.
REVERSED_JOBS = 12


def _edge_batches() -> list[Batch]:
    """Cases random data may miss: jobs that end in the reverse of their order (so results in
    the order they finish are in the wrong order, every run), more places than jobs, no jobs."""
    decreasing = sorted(rand.rng.sample(range(500, 3001), REVERSED_JOBS), reverse=True)
    few = rand.rng.randint(1, 3)
    return [Batch(rand.rng.randint(2, 3), [step / 1000 for step in decreasing]),
            Batch(few + rand.rng.randint(1, 3),
                  [step / 1000 for step in rand.rng.sample(range(500, 3001), few)]),
            Batch(rand.rng.randint(1, 4), [])]


def _tied_batch() -> Batch:
    """Jobs that all take the same time, like the lesson's example: the first `limit` of them end
    at the same instant, so code that starts one job per wake-up leaves places empty, every run."""
    limit = rand.rng.randint(2, 4)
    return Batch(limit, [rand.rng.randint(5, 30) / 10] * (2 * limit + rand.rng.randint(1, 3)))


def _limited(solution: Solution, batch: Batch | None = None) -> tuple[Batch, Any, list[LoopSpy]]:
    run_limited = solution.function("run_limited", coroutine=True)
    batch, spied = batch or _batch(), []
    outcome = run_virtual(partial(_run_batch, run_limited, batch, spied))
    outcome.result(batch.call())
    record(timeline=batch.in_flight.timeline())
    return batch, outcome, spied


@dataclass
class EmptyPlace:
    """A moment a job ended while others waited and fewer than `limit` then ran."""

    moment: float
    ended: int  # jobs that ended at that moment
    started: int  # jobs that started at that moment
    busy: int  # jobs running just after it
    following: float  # when the next job started


def _empty_place(intervals: list[Interval], limit: int) -> EmptyPlace | None:
    """The first moment a job ended while others waited and fewer than `limit` then ran."""
    starts = sorted(interval.start for interval in intervals)
    last_start = starts[-1]
    ends = sorted({interval.end for interval in intervals
                   if interval.end is not None and interval.end < last_start - EPSILON})
    for moment in ends:
        busy = sum(1 for interval in intervals if interval.start <= moment + EPSILON
                   and (interval.end is None or interval.end > moment + EPSILON))
        if busy < limit:
            ended = sum(1 for interval in intervals
                        if interval.end is not None and abs(interval.end - moment) <= EPSILON)
            started = sum(1 for start in starts if abs(start - moment) <= EPSILON)
            following = next(start for start in starts if start > moment + EPSILON)
            return EmptyPlace(moment, ended, started, busy, following)
    return None


@check("run_limited returns every job's result, in order", points=1)
def test_run_limited_returns_results(solution: Solution) -> None:
    for batch in (*_edge_batches(), _batch()):  # the random one last: its timeline is kept
        _, outcome, _ = _limited(solution, batch)
        _expect_results(batch, outcome.value, solution.definition_of("run_limited"))


def _expect_results(batch: Batch, value: Any, where: Location | None) -> None:
    count = len(batch.durations)
    twice = [index for index in range(count) if batch.runs[index] > 1]
    expect(not twice, f"{batch.call()} ran job {twice[0] if twice else 0} more than once; each "
                      f"job must run exactly once.", where)
    expected = [batch.result_for(index) for index in range(count)]
    jobs = f"{count} jobs" if count else "no jobs"
    expect(isinstance(value, list) and value == expected,
           f"{batch.call()} with {jobs} returned {value!r}; expected the {count} results in the "
           f"order of jobs: {expected!r}.", where)


@check("run_limited never runs more than `limit` jobs at once", points=2)
def test_limit_never_exceeded(solution: Solution) -> None:
    batch, outcome, _ = _limited(solution)
    most = batch.in_flight.high_water
    expect(most <= batch.limit,
           f"Up to {most} of the {len(batch.durations)} jobs ran at once, but the limit is "
           f"{batch.limit}: {outcome.elapsed:.2f} s of simulated time. Each job must wait for "
           f"one of the {batch.limit} places that all the jobs share.",
           solution.definition_of("run_limited"))


@check("run_limited keeps `limit` jobs running while jobs wait", points=2)
def test_limit_fully_used(solution: Solution) -> None:
    # Jobs of one length (several end at the same instant) first, then jobs of random lengths.
    for batch in (_tied_batch(), _batch()):
        _expect_fully_used(solution, *_limited(solution, batch))


def _expect_fully_used(solution: Solution, batch: Batch, outcome: Any,
                       spied: list[LoopSpy]) -> None:
    where = solution.definition_of("run_limited")
    most, limit, count = batch.in_flight.high_water, batch.limit, len(batch.durations)
    took = f"{outcome.elapsed:.2f} s of simulated time"
    needed = f"keeping {limit} running needs {batch.needed():.2f} s"
    if most == 0:
        raise Fail(f"{batch.call()} ran no job at all ({took}).", where)
    if most > limit:
        return  # limit_never_exceeded says what is wrong
    if most < limit:
        how = "one at a time" if most == 1 else f"at most {most} at once"
        raise Fail(f"The {count} jobs ran {how}, with a limit of {limit}: {took}; {needed}.",
                   where)
    timers = spied[0].student_timers if spied else []
    if len(timers) >= 3:
        raise Fail(f"{batch.call()} set {len(timers)} timers of its own while the jobs ran: it "
                   f"polls for a free place instead of waiting for one to be given: {took}; "
                   f"{needed}.", timers[0])
    gap = _empty_place(batch.in_flight.intervals, limit)
    if gap is not None:
        raise Fail(f"{_describe_gap(gap, limit)} The {count} jobs took {took}; {needed}: a "
                   f"waiting job should start the moment a place is free.", where)


def _describe_gap(gap: EmptyPlace, limit: int) -> str:
    at = f"At {gap.moment:.2f} s of simulated time"
    if gap.ended == 1:
        what = f"{at} a job finished while jobs were still waiting"
    else:
        what = f"{at} {gap.ended} jobs finished together while jobs were still waiting"
    if gap.started:
        what += f", but only {gap.started} new one{'s' if gap.started > 1 else ''} started then"
        return (f"{what} and the next only at {gap.following:.2f} s: meanwhile {gap.busy} of "
                f"the {limit} places were used.")
    return (f"{what}, but the next one started only at {gap.following:.2f} s: meanwhile "
            f"{gap.busy} of the {limit} places were used.")


# --- Wallet -------------------------------------------------------------------------------------

@handed
class AccountError(Exception):
    """What the fake account raises when a balance would go below zero."""


@dataclass
class FakeAccount:
    balance: int
    read_time: float
    write_time: float
    written: list[int] = field(default_factory=list)
    between: set[Any] = field(default_factory=set)  # deposits that have read and not yet written
    overlap: int = 0
    raised: AccountError | None = None
    raised_in: Any = None  # the task (deposit) the error was raised in
    reads: int = 0
    fail_read: int = 0  # the read (1-based) that raises AccountError; 0: none does

    async def read(self) -> int:
        value = self.balance
        self.reads += 1
        if self.reads == self.fail_read:
            await _sleep(self.read_time)
            self.raised = AccountError("the balance could not be read")
            self.raised_in = asyncio.current_task()
            raise self.raised
        self.between.add(asyncio.current_task())
        self.overlap = max(self.overlap, len(self.between))
        await _sleep(self.read_time)
        return value

    def handed(self) -> Account:
        """What Wallet is given: read() and write(balance), nothing that leads back here."""
        return Account(lambda: self.read(), lambda balance: self.write(balance))

    def copy(self) -> FakeAccount:
        """A fresh account like this one: same balance and timings, nothing done yet."""
        return FakeAccount(self.balance, self.read_time, self.write_time)

    async def write(self, balance: int) -> None:
        try:
            await _sleep(self.write_time)
            if not isinstance(balance, int) or balance < 0:
                self.raised = AccountError(f"cannot set the balance to {balance!r}")
                self.raised_in = asyncio.current_task()
                raise self.raised
            self.balance = balance
            self.written.append(balance)
        finally:
            self.between.discard(asyncio.current_task())


@handed
class Account:
    """The account a Wallet gets: `read()` and `write(balance)`, both awaitable, and nothing
    that leads to the FakeAccount recording them (it stays in closures)."""

    def __init__(self, read: Callable[[], Awaitable[int]],
                 write: Callable[[int], Awaitable[None]]) -> None:
        self._read, self._write = read, write

    async def read(self) -> int:
        return await self._read()

    async def write(self, balance: int) -> None:
        await self._write(balance)

    def __repr__(self) -> str:
        return "account"


def _wallet_class(solution: Solution) -> type:
    found = solution.function("Wallet", coroutine=False)
    if not isinstance(found, type):
        raise Fail(f"Wallet in {solution.file_name} must be a class: `class Wallet:` with "
                   f"__init__(self, account) and `async def deposit(self, amount)`.")
    return found


def _account() -> FakeAccount:
    return FakeAccount(rand.rng.randint(10, 90) * 10, rand.delay(0.5, 2.0), rand.delay(0.5, 2.0))


@dataclass
class Deposits:
    amounts: list[int]
    returned: list[Any] = field(default_factory=list)
    errors: dict[int, BaseException] = field(default_factory=dict)
    stuck: list[Any] = field(default_factory=list)  # Pending deposits that never ended
    tasks: list[Any] = field(default_factory=list)


async def _deposit_all(wallet_class: type, account: FakeAccount, deposits: Deposits,
                       patience: float) -> None:
    wallet = wallet_class(account.handed())
    loop = asyncio.get_running_loop()
    tasks = [loop.create_task(wallet.deposit(amount)) for amount in deposits.amounts]
    deposits.tasks = list(tasks)
    done, pending = await asyncio.wait(tasks, timeout=patience)
    deposits.stuck = [snapshot(task) for task in pending]
    for task in pending:
        task.cancel()
    if pending:
        await asyncio.wait(pending)
    for index, task in enumerate(tasks):
        if task in done and task.exception() is None:
            deposits.returned.append(task.result())
        elif task in done:
            deposits.errors[index] = task.exception()  # type: ignore[assignment]
            deposits.returned.append(None)
        else:
            deposits.returned.append(None)


def _not_written(deposits: Deposits) -> None:
    """Stub and crashes first: NotImplementedError and any error not the account's own."""
    for index, error in deposits.errors.items():
        if not isinstance(error, AccountError):
            raise Fail(_describe_deposit_error(deposits.amounts[index], error),
                       location_of_traceback(error.__traceback__))


def _describe_deposit_error(amount: int, error: BaseException) -> str:
    if isinstance(error, NotImplementedError):
        return f"wallet.deposit({amount}) is not written yet: it still raises NotImplementedError."
    return f"wallet.deposit({amount}) raised {describe_exception(error)}"


def _deposit_location(solution: Solution) -> Location | None:
    wallet = getattr(solution.module(), "Wallet", None)
    return solution.definition(getattr(wallet, "deposit", None))  # type: ignore[arg-type]


@check("deposits made at the same time are never lost", points=3)
def test_no_deposit_lost(solution: Solution) -> None:
    wallet_class, account = _wallet_class(solution), _account()
    start = account.balance
    deposits = Deposits([rand.rng.randint(1, 99) for _ in range(rand.rng.randint(6, 10))])
    patience = len(deposits.amounts) * (account.read_time + account.write_time) + 10
    outcome = run_virtual(partial(_deposit_all, wallet_class, account, deposits, patience))
    outcome.result("Wallet(account) and its deposits")
    _not_written(deposits)
    where = _deposit_location(solution)
    count, expected = len(deposits.amounts), start + sum(deposits.amounts)
    if deposits.stuck:
        raise Fail(f"{len(deposits.stuck)} of {count} deposits made at the same time never "
                   f"ended: {deposits.stuck[0].describe()}.", deposits.stuck[0].location or where)
    if account.balance != expected:
        raise Fail(f"{count} deposits ran at the same time on one wallet: the balance ended at "
                   f"{account.balance}, but {start} plus the deposits make {expected}, so "
                   f"{expected - account.balance} went missing. Up to {account.overlap} deposits "
                   f"were between reading the balance and writing it back at the same time, each "
                   f"writing over the others' updates.", where)
    expect(sorted(deposits.returned) == sorted(account.written),
           f"deposit should return the new balance it wrote; the deposits returned "
           f"{deposits.returned}, but the balances written were {account.written}.", where)


@check("a deposit that fails lets the other deposits go on", points=2)
def test_failed_deposit_releases_the_lock(solution: Solution) -> None:
    wallet_class = _wallet_class(solution)
    good = [rand.rng.randint(1, 99) for _ in range(rand.rng.randint(5, 8))]
    bad_at = rand.rng.randint(1, len(good) - 2)
    account = _account()
    if _loses_deposits(wallet_class, account.copy(), good):
        return  # without a failure deposits are lost already: no_deposit_lost says so
    where = _deposit_location(solution)
    bad = -(account.balance + sum(good) + rand.rng.randint(1, 9) * 100)
    # The account fails a write (a withdrawal it refuses), then, in a second run, a read.
    _one_deposit_fails(wallet_class, account, Deposits(good[:bad_at] + [bad] + good[bad_at:]),
                       "a write", where)
    reading = account.copy()
    reading.fail_read = bad_at + 1
    _one_deposit_fails(wallet_class, reading, Deposits(list(good)), "a read", where)


def _loses_deposits(wallet_class: type, account: FakeAccount, amounts: list[int]) -> bool:
    """Whether these deposits, none failing, end with a wrong balance (or never end)."""
    start, deposits = account.balance, Deposits(list(amounts))
    patience = len(amounts) * (account.read_time + account.write_time) + 10
    outcome = run_virtual(partial(_deposit_all, wallet_class, account, deposits, patience))
    outcome.result("Wallet(account) and its deposits")
    _not_written(deposits)
    return bool(deposits.stuck) or account.balance != start + sum(amounts)


def _one_deposit_fails(wallet_class: type, account: FakeAccount, deposits: Deposits,
                       what: str, where: Location | None) -> None:
    """Run the deposits; the account raises AccountError in one of them, on `what`."""
    start = account.balance
    patience = len(deposits.amounts) * (account.read_time + account.write_time) + 10
    outcome = run_virtual(partial(_deposit_all, wallet_class, account, deposits, patience))
    outcome.result("Wallet(account) and its deposits")
    _not_written(deposits)
    failing = (deposits.tasks.index(account.raised_in)
               if account.raised_in in deposits.tasks else next(iter(deposits.errors), 0))
    failed = (f"wallet.deposit({deposits.amounts[failing]}) made the account raise AccountError "
              f"on {what}")
    if deposits.stuck:
        raise Fail(f"{failed}, and after that {len(deposits.stuck)} other deposits waited for "
                   f"ever ({deposits.stuck[0].describe()}): the deposit that failed never let "
                   f"the others in.", deposits.stuck[0].location or where)
    if account.raised is not None and failing not in deposits.errors:
        raise Fail(f"{failed}, but deposit returned {deposits.returned[failing]!r} although the "
                   f"account raised: the caller must get the account's error.", where)
    expected = start + sum(amount for index, amount in enumerate(deposits.amounts)
                           if index not in deposits.errors)
    after = (f" Up to {account.overlap} deposits were between reading the balance and writing "
             f"it back at the same time after it." if account.overlap > 1 else "")
    expect(account.balance == expected,
           f"{failed} (as it should); the other deposits should have made the balance "
           f"{expected}, but it ended at {account.balance}.{after}", where)
