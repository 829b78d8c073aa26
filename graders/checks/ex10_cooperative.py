"""Checks for exercise 10: crunch keeps the event loop free for other tasks while it computes.

The proof counts instead of timing: every call of `work` wakes an observer task (`Turns`), which
runs as soon as the loop gets control back. The longest stretch of calls done before the observer
got a turn is exactly how long crunch kept every other task waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from graders.check import Fail, check, expect
from graders.probes import BlockingSpy, Outcome, Solution, Turns, run_virtual
from graders.probes import inputs as rand

HINTS = (
    "A loop that only calls ordinary functions never pauses: the event loop gets control back "
    "only at an `await` that really suspends. Where in your loop does that happen, and how often?",
    "`await asyncio.sleep(0)` hands the loop back for one round. Keep count of the calls of work; "
    "each time the count reaches a multiple of `every`, hand the loop back - from inside the loop, "
    "on a line that is really reached.",
    "Check the pause with every=1 (a pause after each call) and with a list whose length is not a "
    "multiple of `every`: no stretch of calls may be longer than `every`, and the sum still has to "
    "include every item.",
)


@dataclass
class Work:
    """A pure, CPU-bound stand-in for real work; every call is reported to the observer."""

    turns: Turns = field(default_factory=Turns)
    factor: int = field(default_factory=lambda: rand.rng.randint(3, 97))
    offset: int = field(default_factory=lambda: rand.rng.randint(1, 50))
    modulus: int = field(default_factory=lambda: rand.rng.randint(500, 1000))

    def compute(self, n: int) -> int:
        return (n * self.factor + self.offset) % self.modulus

    def __call__(self, n: int) -> int:
        self.turns.worked()
        return self.compute(n)

    def expected(self, items: list[int]) -> int:
        return sum(self.compute(item) for item in items)

    def function(self) -> Callable[[int], int]:
        """What crunch is given: a plain function. This object's public fields (its turns, its
        compute that no turn counts) stay out of reach: the function keeps it in a closure."""
        def work(n: int) -> int:
            return self(n)

        return work


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


def _crunch(solution: Solution, items: list[int], every: int) -> tuple[Work, Outcome[int]]:
    crunch = solution.function("crunch", coroutine=True)
    work = Work()
    func = work.function()
    outcome = run_virtual(lambda: crunch(items, func, every), background=[work.turns.run])
    return work, outcome


def _call(items: list[int], every: int) -> str:
    shown = repr(items) if len(items) <= 3 else f"<{len(items)} items>"
    return f"crunch({shown}, work, every={every})"


@check("crunch returns the sum of work(item), calling work once per item", points=2)
def test_returns_the_total(solution: Solution) -> None:
    every = rand.rng.randint(5, 15)
    # A length with a shorter last stretch, and one that is an exact multiple of `every`.
    for count in (every * rand.rng.randint(10, 20) + rand.rng.randint(1, every - 1),
                  every * rand.rng.randint(10, 20)):
        _expect_the_total(solution, _with_repeats(count), every)


def _expect_the_total(solution: Solution, items: list[int], every: int) -> None:
    work, outcome = _crunch(solution, items, every)
    call = _call(items, every)
    value = outcome.result(call)
    calls = work.turns.calls
    expect(calls == len(items),
           f"{call} called work {calls} times for {len(items)} items; it should call it exactly "
           f"once per item.", solution.definition_of("crunch"))
    expected = work.expected(items)
    expect(value == expected,
           f"{call} returned {value!r}; expected {expected} (the sum of work(item) over all "
           f"{len(items)} items).", solution.definition_of("crunch"))


@check("other tasks get to run while crunch works", points=3)
def test_lets_other_tasks_run(solution: Solution, blocking: BlockingSpy) -> None:
    every = rand.rng.randint(5, 12)
    items = _items(every * rand.rng.randint(15, 25))
    work, outcome = _crunch(solution, items, every)
    call = _call(items, every)
    outcome.result(call)
    if blocking.calls:
        raise Fail(f"{blocking.message()} crunch must hand the loop back, not stop it.",
                   blocking.calls[0].location)
    if outcome.never_awaited:
        leak = outcome.never_awaited[0]
        raise Fail(f"crunch created {len(outcome.never_awaited)} coroutine(s) that were never "
                   f"awaited, first {leak.describe()}: a coroutine that is not awaited does "
                   f"nothing, so it never lets other tasks run.", leak.location)
    turns, calls = work.turns, work.turns.calls
    if turns.turns_during() == 0:
        when = ("only got its first turn after the last call" if turns.turns_at
                else "never got a turn at all")
        raise Fail(f"{call} called work {calls} times in a row without letting any other task "
                   f"run: a task waiting beside it {when}. While crunch computes, the event loop "
                   f"is never handed back.", solution.definition_of("crunch"))
    _expect_short_pauses(solution, call, outcome.elapsed, len(turns.turns_at))


# The longest a pause may last on average, in (simulated) seconds: a pause hands the loop back
# for a moment, it does not wait for time to pass. `work` itself takes no simulated time.
LONGEST_PAUSE = 0.01


def _expect_short_pauses(solution: Solution, call: str, elapsed: float, pauses: int) -> None:
    each = elapsed / max(1, pauses)
    expect(each <= LONGEST_PAUSE,
           f"{call} took {elapsed:,.1f} s of simulated time, though work takes none: its "
           f"{pauses} pauses waited {each:.2f} s each. A pause only needs to hand the loop "
           f"back for a moment ({LONGEST_PAUSE * 1000:.0f} ms at most); waiting longer makes "
           f"crunch slower and helps no other task.", solution.definition_of("crunch"))


@check("crunch never calls work more than `every` times in a row", points=2)
def test_yields_often_enough(solution: Solution) -> None:
    settings = [(1, rand.rng.randint(20, 40)), (7, 7 * rand.rng.randint(4, 8) + 3)]
    wide = rand.rng.randint(13, 25)
    settings.append((wide, wide * rand.rng.randint(5, 9) + rand.rng.randint(1, wide - 1)))
    for every, count in settings:
        items = _items(count) if every == 1 else _never_multiples(count, every)
        work, outcome = _crunch(solution, items, every)
        call = _call(items, every)
        outcome.result(call)
        stretch = work.turns.longest
        if stretch is not None and stretch.length > every:
            raise Fail(f"With every={every}, {call} called work {stretch.length} times in a row "
                       f"(calls {stretch.first} to {stretch.last}, for {count} items) before another "
                       f"task got to run; it may call work at most {_times(every)} in a row.",
                       solution.definition_of("crunch"))


@check("crunch handles an empty list and lists shorter than `every`", points=1)
def test_handles_short_lists(solution: Solution) -> None:
    every = rand.rng.randint(4, 9)
    for items in ([], _items(1), _items(every - 1)):
        work, outcome = _crunch(solution, items, every)
        call = _call(items, every)
        value = outcome.result(call)
        expected = work.expected(items)
        expect(value == expected and work.turns.calls == len(items),
               f"{call} returned {value!r} after {work.turns.calls} call(s) of work; expected "
               f"{expected} after {len(items)}.", solution.definition_of("crunch"))


def _times(count: int) -> str:
    return "once" if count == 1 else f"{count} times"
