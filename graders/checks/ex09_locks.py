"""Checks for exercise 9: run_limited keeps to a limit and uses all of it; Wallet loses no deposit.

The student's code runs in a process of its own; the jobs and the account live on the judge's
side, and each call of theirs is a message. run_limited gets jobs of different random lengths:
the judge counts the jobs in flight (high-water mark) on its own clock, and every job's interval
shows whether a place stood empty while jobs waited: when a job ends and others have not started
yet, another must start at the same instant of the judge's clock.

The fake account's read returns the balance as it was when the read began and its write stores a
value later; both take simulated time. Deposits that overlap between read and write overwrite
each other, deterministically. Evidence each check passes on is in EVIDENCE; what the
submission's side reports about itself (timers it set, where a deposit waits) can only cost
points or name a mistake.
"""

from __future__ import annotations

import ast
import asyncio
import heapq
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, ClassVar

from graders.check import Fail, check, expect, falsy_result, record
from graders.probes import InFlight, Interval
from graders.probes import inputs as rand
from graders.probes.judge import Call, Done, Handed, Remote, Run, Submission, describe_raised
from graders.probes.loop import Pending
from graders.probes.values import shown
from graders.results import Location
from graders.trust import wire

HINTS = {
    "run_limited_returns_results": (
        "run_limited returns every job's result in the order of the jobs, whatever order they "
        "finish in - and works for any number of jobs, none or fewer than `limit` included.",
        "gather keeps the order you passed the awaitables in; as_completed and the `done` set of "
        "asyncio.wait do not.",
    ),
    "limit_never_exceeded": (
        "Each job must wait for a free place before it runs, and all jobs must share the same "
        "places.",
        "One asyncio.Semaphore(limit), made once in run_limited and used by every job with "
        "`async with`, gives the places. A semaphore made inside each job is a new one each "
        "time and keeps nobody out.",
    ),
    "limit_fully_used": (
        "While jobs wait, `limit` of them should be running: start all the jobs together (gather "
        "or a TaskGroup) and let the places decide which run.",
        "Awaiting each job inside the loop that starts them, or running them in batches, leaves "
        "places empty while jobs wait; a semaphore smaller than `limit` does too.",
    ),
    "no_deposit_lost": (
        "The read, the addition and the write of one deposit must happen without another deposit "
        "in between.",
        "One asyncio.Lock per wallet, made in __init__, keeps deposits apart - a lock made inside "
        "deposit is a new lock each time and keeps nobody out. Hold it from before the read "
        "until after the write.",
    ),
    "failed_deposit_releases_the_lock": (
        "When the read or the write raises, the deposit fails with that error - and the lock "
        "must be free again for the next deposit.",
        "Hold the wallet's lock with `async with`: it is released even when the read or the "
        "write raises. Do not catch the error to hide it.",
    ),
}

# Evidence each check's pass rests on: what the judge saw itself.
EVIDENCE = {
    "run_limited_returns_results": "the list returned, equal to every job's result in the order of "
                                   "jobs, and the world ran each job exactly once (4 batches, "
                                   "edge cases included)",
    "limit_never_exceeded": "the jobs in flight at once on the judge's side, never over the limit, "
                            "and every job run",
    "limit_fully_used": "each job's interval on the judge's clock: `limit` jobs in flight, and no "
                        "moment a job ended while others waited with a place left empty; every "
                        "job run; the call no longer than the jobs' span on the judge's clock",
    "no_deposit_lost": "the account's balance after the deposits, equal to the start plus every "
                       "deposit, and the values returned equal to the balances the account saw "
                       "written, each deposit's its own (the balance written before it plus "
                       "that deposit's amount)",
    "failed_deposit_releases_the_lock": "the account's balance, right after deposits that all "
                                        "succeed, and after a write and a read it refused, "
                                        "equal to the start plus every other deposit, and the "
                                        "failing deposit ending with the account's error",
}

_sleep = asyncio.sleep
EPSILON = 1e-6


def _as_drawn_before() -> None:
    """The draw run_virtual made in the check's own process for each run, before the student's
    code ran in a process of its own (its tasks' hashes): made here too, so that the data each
    check draws for a file stays what it was."""
    rand.rng.getrandbits(64)


# --- run_limited --------------------------------------------------------------------------------

@dataclass
class Batch:
    """Jobs of different lengths that count how many run at once, on the judge's clock."""

    limit: int
    durations: list[float]
    token: str = field(default_factory=lambda: rand.word(5))
    in_flight: InFlight = field(default_factory=InFlight)
    runs: Counter[int] = field(default_factory=Counter)
    empty: set[int] = field(default_factory=set)  # jobs whose result is '': falsy, but real

    def result_for(self, index: int) -> str:
        return "" if index in self.empty else f"job{index}-{self.token}"

    def jobs(self) -> list[Job]:
        """What run_limited is given: one plain coroutine function per job (each a message)."""
        return [Job(self, index) for index in range(len(self.durations))]

    async def run(self, index: int) -> str:
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


class Job(Handed):
    """One job: the student's code gets a plain coroutine function; calling it and awaiting the
    coroutine runs the job here, on the judge's clock."""

    name: ClassVar[str] = "job"
    methods: ClassVar[dict[str, str]] = {"__call__": "async"}

    def __init__(self, batch: Batch, index: int) -> None:
        self._batch, self._index = batch, index

    async def __call__(self, call: Call) -> str:
        return await self._batch.run(self._index)

    def __repr__(self) -> str:
        return "job"


def _batch() -> Batch:
    limit = rand.rng.randint(2, 4)
    count = rand.rng.randint(2 * limit + 1, 12)
    return Batch(limit, [step / 1000 for step in rand.rng.sample(range(500, 3001), count)])


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


def _limited(submission: Submission, batch: Batch | None = None) -> tuple[Batch, Run]:
    batch = batch or _batch()
    run = submission.call("run_limited", batch.jobs(), batch.limit, coroutine=True,
                          call=batch.call(), spy_loop=True)
    _as_drawn_before()
    _from_the_start(batch.in_flight, submission, run)
    run.result(batch.call())
    record(timeline=batch.in_flight.timeline())
    return batch, run


def _from_the_start(in_flight: InFlight, submission: Submission, run: Run) -> None:
    """The intervals in seconds from the call's start (the judge's clock runs on from call to
    call within a check), as the messages and the timeline have always shown them."""
    began = (submission.loop.now if submission.loop is not None else run.elapsed) - run.elapsed
    for interval in in_flight.intervals:
        interval.start -= began
        interval.end = None if interval.end is None else interval.end - began


def _expect_every_job_ran(batch: Batch, where: Location | None) -> None:
    """Each job ran exactly once, as the world saw it."""
    count = len(batch.durations)
    twice = [index for index in range(count) if batch.runs[index] > 1]
    expect(not twice, f"{batch.call()} ran job {twice[0] if twice else 0} more than once; each "
                      f"job must run exactly once.", where)
    never = [index for index in range(count) if not batch.runs[index]]
    expect(not never, f"{batch.call()} never ran job {never[0] if never else 0}: ran "
                      f"{count - len(never)} of the {count} jobs; each job must run exactly once.",
           where)


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
def test_run_limited_returns_results(submission: Submission) -> None:
    random = _batch()
    random.empty = {rand.rng.randrange(len(random.durations))}  # a result '' is a result too
    for batch in (*_edge_batches(), random):  # the random one last: its timeline is kept
        _, run = _limited(submission, batch)
        _expect_results(batch, run.value, submission.definition_of("run_limited"))


def _expect_results(batch: Batch, value: Any, where: Location | None) -> None:
    count = len(batch.durations)
    twice = [index for index in range(count) if batch.runs[index] > 1]
    expect(not twice, f"{batch.call()} ran job {twice[0] if twice else 0} more than once; each "
                      f"job must run exactly once.", where)
    expected = [batch.result_for(index) for index in range(count)]
    jobs = f"{count} jobs" if count else "no jobs"
    falsy = (f" {falsy_result(f'Job {min(batch.empty)}')}."
             if batch.empty and type(value) is list and len(value) < count else "")
    expect(type(value) is list and value == expected,
           f"{batch.call()} with {jobs} returned {shown(value, 1000)}; expected the {count} results "
           f"in the order of jobs: {expected!r}.{falsy}", where)
    _expect_every_job_ran(batch, where)


@check("run_limited never runs more than `limit` jobs at once", points=2)
def test_limit_never_exceeded(submission: Submission) -> None:
    batch, run = _limited(submission)
    most = batch.in_flight.high_water
    where = submission.definition_of("run_limited")
    expect(most <= batch.limit,
           f"Up to {most} of the {len(batch.durations)} jobs ran at once, but the limit is "
           f"{batch.limit}: {run.elapsed:.2f} s of simulated time. Each job must wait for "
           f"one of the {batch.limit} places that all the jobs share.", where)
    _expect_every_job_ran(batch, where)


@check("run_limited keeps `limit` jobs running while jobs wait", points=2)
def test_limit_fully_used(submission: Submission) -> None:
    # Jobs of one length (several end at the same instant) first, then jobs of random lengths.
    for batch in (_tied_batch(), _batch()):
        _expect_fully_used(submission, *_limited(submission, batch))


def _expect_fully_used(submission: Submission, batch: Batch, run: Run) -> None:
    where = submission.definition_of("run_limited")
    most, limit, count = batch.in_flight.high_water, batch.limit, len(batch.durations)
    took = f"{run.elapsed:.2f} s of simulated time"
    needed = f"keeping {limit} running needs {batch.needed():.2f} s"
    if most == 0:
        raise Fail(f"{batch.call()} ran no job at all ({took}).", where)
    if most > limit:
        return  # limit_never_exceeded says what is wrong
    if most < limit:
        how = "one at a time" if most == 1 else f"at most {most} at once"
        raise Fail(f"The {count} jobs ran {how}, with a limit of {limit}: {took}; {needed}.",
                   where)
    timers = run.report.get("student_timers")  # a self-report: it can only cost points
    timers = timers if isinstance(timers, list) else []
    if len(timers) >= 3:
        raise Fail(f"{batch.call()} set {len(timers)} timers of its own while the jobs ran: it "
                   f"polls for a free place instead of waiting for one to be given: {took}; "
                   f"{needed}.", run.location_of(timers[0]) or where)
    gap = _empty_place(batch.in_flight.intervals, limit)
    if gap is not None:
        raise Fail(f"{_describe_gap(gap, limit)} The {count} jobs took {took}; {needed}: a "
                   f"waiting job should start the moment a place is free.", where)
    _expect_every_job_ran(batch, where)
    # No place left empty between jobs is not all: none before the first or after the last.
    span = batch.in_flight.span()
    expect(run.elapsed <= span + 1e-3,
           f"The {count} jobs ran, with no place left empty while jobs waited, from the first "
           f"one's start to the last one's end in {span:.2f} s, but {batch.call()} took {took}: "
           f"{run.elapsed - span:.2f} s more went by with no job running.", where)


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

class AccountError(Exception):
    """What the fake account raises when a balance would go below zero (raised in the student's
    code under this name)."""


class FakeAccount(Handed):
    """The account a Wallet gets: `read()` and `write(balance)`, both awaitable, on the judge's
    clock. It records what was written, and how many deposits were between a read and a write
    at once (reads begun minus writes ended: no word of the submission's needed)."""

    name: ClassVar[str] = "Account"
    methods: ClassVar[dict[str, str]] = {"read": "async", "write": "async"}

    def __init__(self, balance: int, read_time: float, write_time: float) -> None:
        self.balance, self.read_time, self.write_time = balance, read_time, write_time
        self.written: list[int] = []
        self.between = 0  # deposits that have read and not yet written
        self.overlap = 0
        self.raised: AccountError | None = None
        self.reads = 0
        self.fail_read = 0  # the read (1-based) that raises AccountError; 0: none does
        # The task the account raised to (as reported), and how often it read again after
        # that: a deposit that caught the error and tried again (for the message only).
        self.raised_to: str | None = None
        self.retried = 0

    async def read(self, call: Call) -> int:
        value = self.balance
        self.reads += 1
        if self.raised is not None and call.task is not None and call.task == self.raised_to:
            self.retried += 1
        if self.reads == self.fail_read:
            await _sleep(self.read_time)
            self.raised = AccountError("the balance could not be read")
            self.raised_to = call.task
            raise self.raised
        self.between += 1
        self.overlap = max(self.overlap, self.between)
        await _sleep(self.read_time)
        return value

    async def write(self, call: Call, balance: Any) -> None:
        try:
            await _sleep(self.write_time)
            if type(balance) is not int or balance < 0:
                self.raised = AccountError(f"cannot set the balance to {balance!r}")
                self.raised_to = call.task
                raise self.raised
            self.balance = balance
            self.written.append(balance)
        finally:
            self.between = max(0, self.between - 1)

    def copy(self) -> FakeAccount:
        """A fresh account like this one: same balance and timings, nothing done yet."""
        return FakeAccount(self.balance, self.read_time, self.write_time)

    def __repr__(self) -> str:
        return "account"


def _account() -> FakeAccount:
    return FakeAccount(rand.rng.randint(10, 90) * 10, rand.delay(0.5, 2.0), rand.delay(0.5, 2.0))


@dataclass
class Deposits:
    amounts: list[int]
    returned: list[Any] = field(default_factory=list)
    errors: dict[int, wire.Raised] = field(default_factory=dict)
    stuck: list[Pending] = field(default_factory=list)  # deposits that never ended


CALL = "Wallet(account) and its deposits"


async def _deposit_all(remote: Remote, account: FakeAccount, deposits: Deposits,
                       patience: float) -> None:
    """Make a Wallet there, start every deposit as a task at once, give them `patience`
    simulated seconds, then stop those still waiting."""
    made = await remote.call("Wallet", account)
    _expect_made(made)
    wallet = made.value
    started = await asyncio.gather(*(remote.start_method(wallet, "deposit", amount)
                                     for amount in deposits.amounts))
    for amount, done in zip(deposits.amounts, started, strict=True):
        if not done.ok or not done.task:
            _expect_started(amount, done)
    # Every deposit waited for at once, each at most `patience`: what a pending one waits on
    # is read at that moment.
    ended = await asyncio.gather(*(remote.wait(done.task, patience) for done in started))
    pending = [done for done, state in zip(started, ended, strict=True) if state.state == "pending"]
    deposits.stuck = [state.waiting or Pending("deposit()", None)
                      for state in ended if state.state == "pending"]
    await asyncio.gather(*(remote.cancel(done.task) for done in pending))
    await asyncio.gather(*(remote.wait(done.task) for done in pending))
    for index, state in enumerate(ended):
        if state.state == "returned":
            deposits.returned.append(state.value)
        else:
            if state.state == "raised" and state.raised is not None:
                deposits.errors[index] = state.raised
            deposits.returned.append(None)


def _expect_made(made: Done) -> None:
    if made.failed:
        raise Fail(made.failed, made.location)
    if made.raised is not None:
        raise Fail(describe_raised("Wallet(account)", made.raised), _where(made.raised))
    if not isinstance(made.value, wire.Kept):
        raise Fail(f"Wallet(account) gave {shown(made.value)}: Wallet must be a class: `class "
                   f"Wallet:` with __init__(self, account) and `async def deposit(self, amount)`.")


def _expect_started(amount: int, done: Done) -> None:
    call = f"wallet.deposit({amount})"
    if done.failed:
        raise Fail(done.failed, done.location)
    if done.raised is not None:
        raise Fail(describe_raised(call, done.raised), _where(done.raised))
    raise Fail(f"{call} returned {shown(done.value)} without being awaited: deposit must be a "
               f"coroutine method (`async def deposit(self, amount)`).")


def _where(raised: wire.Raised) -> Location | None:
    return Location(*raised.location) if raised.location else None


def _run_deposits(submission: Submission, account: FakeAccount, deposits: Deposits) -> None:
    patience = len(deposits.amounts) * (account.read_time + account.write_time) + 10

    async def script(remote: Remote) -> None:
        await _deposit_all(remote, account, deposits, patience)

    run = submission.scenario(script, call=CALL)
    _as_drawn_before()
    run.result(CALL)
    _not_written(deposits)


def _not_written(deposits: Deposits) -> None:
    """Stub and crashes first: NotImplementedError and any error not the account's own."""
    for index, error in deposits.errors.items():
        if not error.is_a("AccountError"):
            raise Fail(describe_raised(f"wallet.deposit({deposits.amounts[index]})", error),
                       _where(error))


def _deposit_location(submission: Submission) -> Location | None:
    """Where the file defines Wallet.deposit (read from its text), or Wallet."""
    try:
        tree = ast.parse(submission.path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return None
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "Wallet":
            for item in node.body:
                if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef) and item.name == "deposit":
                    return Location(submission.file_name, item.lineno)
    return submission.definition_of("Wallet")


def _before(balance: int, start: int, written: list[int]) -> int:
    """The balance the account held before `balance` was written (it is in `written`)."""
    at = written.index(balance)
    return written[at - 1] if at else start


def _not_its_own(deposits: Deposits, start: int, written: list[int]) -> int | None:
    """The first deposit whose returned balance is not one it wrote: written balances only grow
    (every amount is positive), so the one before it says which amount made it."""
    for index, (amount, got) in enumerate(zip(deposits.amounts, deposits.returned, strict=True)):
        if type(got) is int and got in written and got - _before(got, start, written) != amount:
            return index
    return None


def _same_values(returned: list[Any], written: list[int]) -> bool:
    return all(type(value) is int for value in returned) and sorted(returned) == sorted(written)


@check("deposits made at the same time are never lost", points=3)
def test_no_deposit_lost(submission: Submission) -> None:
    account = _account()
    start = account.balance
    deposits = Deposits([rand.rng.randint(1, 99) for _ in range(rand.rng.randint(6, 10))])
    _run_deposits(submission, account, deposits)
    where = _deposit_location(submission)
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
    expect(_same_values(deposits.returned, account.written),
           f"deposit should return the new balance it wrote; the deposits returned "
           f"{shown(deposits.returned, 1000)}, but the balances written were {account.written}.",
           where)
    # The same values in another order are not enough: each deposit returns its own balance.
    stranger = _not_its_own(deposits, start, account.written)
    if stranger is not None:
        amount, got = deposits.amounts[stranger], deposits.returned[stranger]
        before = _before(got, start, account.written)
        raise Fail(f"wallet.deposit({amount}) returned {got}, a balance the account got from "
                   f"another deposit: {got} is {before} plus {got - before}, not plus {amount}. "
                   f"deposit must return the new balance it wrote itself, not one read or "
                   f"passed on later, after other deposits changed it.", where)


@check("a deposit that fails lets the other deposits go on", points=2)
def test_failed_deposit_releases_the_lock(submission: Submission) -> None:
    good = [rand.rng.randint(1, 99) for _ in range(rand.rng.randint(5, 8))]
    bad_at = rand.rng.randint(1, len(good) - 2)
    account = _account()
    where = _deposit_location(submission)
    if _loses_deposits(submission, account.copy(), good):  # nothing to judge is no pass
        raise Fail(f"Without any failure, {len(good)} deposits already end with a wrong balance "
                   f"(or never end), so this check cannot see what a failing deposit does to the "
                   f"others: first make concurrent deposits add up (the check above says how they "
                   f"did not).", where)
    bad = -(account.balance + sum(good) + rand.rng.randint(1, 9) * 100)
    # The account fails a write (a withdrawal it refuses), then, in a second run, a read.
    _one_deposit_fails(submission, account, Deposits(good[:bad_at] + [bad] + good[bad_at:]),
                       "a write", bad_at, where)
    reading = account.copy()
    reading.fail_read = bad_at + 1
    _one_deposit_fails(submission, reading, Deposits(list(good)), "a read", bad_at, where)


def _loses_deposits(submission: Submission, account: FakeAccount, amounts: list[int]) -> bool:
    """Whether these deposits, none failing, end with a wrong balance (or never end)."""
    start, deposits = account.balance, Deposits(list(amounts))
    _run_deposits(submission, account, deposits)
    return bool(deposits.stuck) or account.balance != start + sum(amounts)


def _one_deposit_fails(submission: Submission, account: FakeAccount, deposits: Deposits,
                       what: str, likely: int, where: Location | None) -> None:
    """Run the deposits; the account raises AccountError in one of them, on `what` (most
    likely the deposit at `likely`: which one it was is the submission's word)."""
    start = account.balance
    _run_deposits(submission, account, deposits)
    reported = [index for index, error in deposits.errors.items() if error.is_a("AccountError")]
    failing = likely if what == "a write" or not reported else reported[0]
    failed = (f"wallet.deposit({deposits.amounts[failing]}) made the account raise AccountError "
              f"on {what}")
    if account.retried and (deposits.stuck or failing not in deposits.errors):
        again = "" if account.retried == 1 else f" {account.retried} times"
        ended = (f"{len(deposits.stuck)} other deposits waited for ever behind it "
                 f"({deposits.stuck[0].describe()})" if deposits.stuck else
                 f"it returned {shown(deposits.returned[failing])}")
        raise Fail(f"{failed}, {account.raised!r}, and the same deposit caught it and read the "
                   f"balance again{again} instead of raising it: {ended}. The caller must get "
                   f"the account's error.", where)
    if deposits.stuck:
        raise Fail(f"{failed}, and after that {len(deposits.stuck)} other deposits waited for "
                   f"ever ({deposits.stuck[0].describe()}): the deposit that failed never let "
                   f"the others in.", deposits.stuck[0].location or where)
    if account.raised is not None and failing not in deposits.errors:
        raise Fail(f"{failed}, but deposit returned {shown(deposits.returned[failing])} although "
                   f"the account raised: the caller must get the account's error.", where)
    expected = start + sum(amount for index, amount in enumerate(deposits.amounts)
                           if index not in deposits.errors)
    after = (f" Up to {account.overlap} deposits were between reading the balance and writing "
             f"it back at the same time after it." if account.overlap > 1 else "")
    expect(account.balance == expected,
           f"{failed} (as it should); the other deposits should have made the balance "
           f"{expected}, but it ended at {account.balance}.{after}", where)
