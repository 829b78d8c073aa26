"""Checks for exercise 10: crunch keeps the event loop free for other tasks while it computes.

The student's code runs in a process of its own; `work` is a world object on the judge's side,
and every call of it is a message the judge answers. The proof counts instead of timing: every
call of `work` wakes an observer task the submission's runtime runs beside crunch (`Turns`,
graders/probes/judge.py), which tells the judge as soon as the loop gets control back. The
longest stretch of calls made before the observer got a turn is exactly how long crunch kept
every other task waiting. Evidence each check passes on is in EVIDENCE; what the submission's
side reports (a time.sleep on the loop, a coroutine never awaited) can only cost points.
"""

from __future__ import annotations

from typing import Any, ClassVar

from graders.check import Fail, check, expect
from graders.probes import inputs as rand
from graders.probes.judge import Call, Handed, Run, Submission, Turns

HINTS = {
    "returns_the_total": (
        "crunch returns the sum of what work returns for each item (not of the items), calling "
        "work exactly once per item - the items of a last, shorter stretch included.",
    ),
    "lets_other_tasks_run": (
        "A loop that only calls ordinary functions never pauses: the event loop gets control back "
        "only at an `await` that really suspends. Where in your loop does that happen, and how "
        "often?",
        "`await asyncio.sleep(0)` hands the loop back for one round and costs no time; "
        "time.sleep(0) hands nothing back, asyncio.sleep(0) without await does nothing, and a "
        "longer sleep makes crunch itself slow. Pause from inside the loop, on a line that is "
        "really reached.",
    ),
    "yields_often_enough": (
        "Count the calls of work; each time the count reaches a multiple of `every`, hand the "
        "loop back. No stretch of calls without a pause may be longer than `every`.",
        "Check it by hand with every=1 (a pause after each call) and every=3: the count that "
        "matters is of the calls made so far, not the value of the item, and it keeps going "
        "after the first pause.",
    ),
    "handles_short_lists": (
        "An empty list sums to 0, and a list shorter than `every` still has every item worked "
        "on: do not take the first item out before the loop, or assume a full stretch.",
    ),
}


EVIDENCE = {
    "returns_the_total": "the int returned, equal to the sum of work(item) over the items, and "
                         "the world's count of work calls, one per item",
    "lets_other_tasks_run": "the world's count of work calls, one per item; the observer's "
                            "turns, in the order the judge got them among the calls of work "
                            "(turns while crunch worked), and the simulated time crunch took "
                            "on the judge's clock",
    "yields_often_enough": "the world's count of work calls, one per item, and the observer's "
                           "turns among them: the longest stretch of calls with no turn between "
                           "them is at most `every`",
    "handles_short_lists": "the int returned, and the world's count of work calls",
}


class Work(Handed):
    """A pure, CPU-bound stand-in for real work, on the judge's side: crunch gets a plain
    callable, `work(n)`, answered at once and taking no simulated time; the judge counts every
    call (`turns.worked()`)."""

    name: ClassVar[str] = "work"
    methods: ClassVar[dict[str, str]] = {"__call__": "query"}

    def __init__(self) -> None:
        self.factor = rand.rng.randint(3, 97)
        self.offset = rand.rng.randint(1, 50)
        self.modulus = rand.rng.randint(500, 1000)
        self.turns = Turns(self)

    def compute(self, n: int) -> int:
        return (n * self.factor + self.offset) % self.modulus

    async def __call__(self, call: Call, n: Any) -> int:
        self.turns.worked()
        if type(n) is not int:
            raise TypeError(f"work takes an item of the list (an int), not {type(n).__name__}")
        return self.compute(n)

    def expected(self, items: list[int]) -> int:
        return sum(self.compute(item) for item in items)

    def __repr__(self) -> str:
        return "work"


def _items(count: int) -> list[int]:
    return [rand.rng.randint(0, 10_000) for _ in range(count)]


def _with_repeats(count: int) -> list[int]:
    """`count` items, a third of them repeats of others: work must still run once per item."""
    items = _items(count - count // 3)
    items += rand.rng.choices(items, k=count // 3)
    rand.rng.shuffle(items)
    return items


def _never_multiples(count: int, every: int) -> list[int]:
    """Items none of which is a multiple of `every`: code that pauses on an item's value (instead
    of on the count of calls) never pauses, on every run."""
    return [rand.rng.randint(0, 500) * every + rand.rng.randint(1, every - 1)
            for _ in range(count)]


def _as_drawn_before() -> None:
    """The draw run_virtual made in the check's own process for each run, before the student's
    code ran in a process of its own (its tasks' hashes): made here too, so that the data each
    check draws for a file stays what it was."""
    rand.rng.getrandbits(64)


def _crunch(submission: Submission, items: list[int], every: int) -> tuple[Work, Run]:
    work = Work()
    _as_drawn_before()
    run = submission.call("crunch", items, work, every, coroutine=True, call=_call(items, every),
                          turns=work.turns)
    return work, run


def _call(items: list[int], every: int) -> str:
    shown = repr(items) if len(items) <= 3 else f"<{len(items)} items>"
    return f"crunch({shown}, work, every={every})"


@check("crunch returns the sum of work(item), calling work once per item", points=2)
def test_returns_the_total(submission: Submission) -> None:
    every = rand.rng.randint(5, 15)
    # A length with a shorter last stretch, and one that is an exact multiple of `every`.
    for count in (every * rand.rng.randint(10, 20) + rand.rng.randint(1, every - 1),
                  every * rand.rng.randint(10, 20)):
        _expect_the_total(submission, _with_repeats(count), every)


def _expect_the_total(submission: Submission, items: list[int], every: int) -> None:
    work, run = _crunch(submission, items, every)
    call = _call(items, every)
    value = run.result(call)
    _expect_every_item_worked(submission, work, items, call)
    expected = work.expected(items)
    expect(value == expected,
           f"{call} returned {value!r}; expected {expected} (the sum of work(item) over all "
           f"{len(items)} items).", submission.definition_of("crunch"))


def _expect_every_item_worked(submission: Submission, work: Work, items: list[int], call: str) -> None:
    """Work called once per item: what every check of the turns between calls rests on (code that
    skips the work would have no stretch of calls too long)."""
    calls = work.turns.calls
    expect(calls == len(items),
           f"{call} called work {calls} times for {len(items)} items; it should call it exactly "
           f"once per item.", submission.definition_of("crunch"))


@check("other tasks get to run while crunch works", points=3)
def test_lets_other_tasks_run(submission: Submission) -> None:
    every = rand.rng.randint(5, 12)
    items = _items(every * rand.rng.randint(15, 25))
    work, run = _crunch(submission, items, every)
    call = _call(items, every)
    run.result(call)
    _expect_every_item_worked(submission, work, items, call)
    if run.blocking:
        raise Fail(f"{run.blocking_message()} crunch must hand the loop back, not stop it.",
                   run.blocking_location())
    if run.never_awaited:
        leak = run.never_awaited[0]
        raise Fail(f"crunch created {len(run.never_awaited)} coroutine(s) that were never "
                   f"awaited, first {leak.describe()}: a coroutine that is not awaited does "
                   f"nothing, so it never lets other tasks run.", leak.location)
    turns, calls = work.turns, work.turns.calls
    if turns.turns_during() == 0:
        when = ("only got its first turn after the last call" if turns.turns_at
                else "never got a turn at all")
        raise Fail(f"{call} called work {calls} times in a row without letting any other task "
                   f"run: a task waiting beside it {when}. While crunch computes, the event loop "
                   f"is never handed back.", submission.definition_of("crunch"))
    _expect_short_pauses(submission, call, run.elapsed, len(turns.turns_at))


# The longest a pause may last on average, in (simulated) seconds: a pause hands the loop back
# for a moment, it does not wait for time to pass. `work` itself takes no simulated time.
LONGEST_PAUSE = 0.01


def _expect_short_pauses(submission: Submission, call: str, elapsed: float, pauses: int) -> None:
    each = elapsed / max(1, pauses)
    # 10 ms is allowed: the sum of many 0.01 s sleeps may come out a rounding above it.
    expect(each <= LONGEST_PAUSE * (1 + 1e-9),
           f"{call} took {elapsed:,.2f} s of simulated time, though work takes none: with "
           f"{pauses} pauses, that is {each * 1000:,.0f} ms of waiting per pause. A pause only "
           f"needs to hand the loop back for a moment ({LONGEST_PAUSE * 1000:.0f} ms at most); "
           f"waiting longer makes crunch slower and helps no other task.",
           submission.definition_of("crunch"))


@check("crunch never calls work more than `every` times in a row", points=2)
def test_yields_often_enough(submission: Submission) -> None:
    settings = [(1, rand.rng.randint(20, 40)), (7, 7 * rand.rng.randint(4, 8) + 3)]
    wide = rand.rng.randint(13, 25)
    settings.append((wide, wide * rand.rng.randint(5, 9) + rand.rng.randint(1, wide - 1)))
    for every, count in settings:
        items = _items(count) if every == 1 else _never_multiples(count, every)
        work, run = _crunch(submission, items, every)
        call = _call(items, every)
        run.result(call)
        _expect_every_item_worked(submission, work, items, call)
        stretch = work.turns.longest
        if stretch is not None and stretch.length > every:
            raise Fail(f"With every={every}, {call} called work {stretch.length} times in a row "
                       f"(calls {stretch.first} to {stretch.last}, for {count} items) before another "
                       f"task got to run; it may call work at most {_times(every)} in a row.",
                       submission.definition_of("crunch"))


@check("crunch handles an empty list and lists shorter than `every`", points=1)
def test_handles_short_lists(submission: Submission) -> None:
    every = rand.rng.randint(4, 9)
    for items in ([], _items(1), _items(every - 1)):
        work, run = _crunch(submission, items, every)
        call = _call(items, every)
        value = run.result(call)
        expected = work.expected(items)
        expect(value == expected and work.turns.calls == len(items),
               f"{call} returned {value!r} after {work.turns.calls} call(s) of work; expected "
               f"{expected} after {len(items)}.", submission.definition_of("crunch"))


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"
