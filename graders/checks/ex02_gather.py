"""Checks for exercise 2: make_breakfast cooks three dishes at the same time."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from graders.check import Fail, check, expect, record
from graders.probes import BlockingSpy, InFlight, Outcome, Solution, run_virtual
from graders.probes import inputs as rand
from graders.probes.handed import handed
from graders.probes.values import left_behind, shown

HINTS = (
    "Awaiting the three dishes one after another cooks them one at a time. You need to start all "
    "three before you wait for any of them.",
    "asyncio.gather(...) takes several awaitables, runs them at the same time and gives back their "
    "results in the order you passed them.",
    "Awaiting each dish inside the call to gather cooks it before gather even starts. Give gather "
    "the coroutine objects (the kitchen calls without await) and await only gather; its result "
    "is already a list, in the order you passed the dishes.",
)

DISHES = ("boil_eggs", "toast_bread", "brew_coffee")
_sleep = asyncio.sleep


@dataclass
class Cooking:
    """Three dishes with random cooking times; counts how many cook at once. The check keeps it:
    make_breakfast gets its `kitchen()`."""

    # Slowest first, so the order dishes finish in is never the order they were asked for.
    durations: dict[str, float] = field(default_factory=lambda: dict(
        zip(DISHES, sorted(rand.distinct_delays(3, 1.0, 4.0), reverse=True), strict=True)))
    results: dict[str, str] = field(default_factory=lambda: {
        "boil_eggs": f"eggs-{rand.word(5)}", "toast_bread": f"toast-{rand.word(5)}",
        "brew_coffee": f"coffee-{rand.word(5)}"})
    in_flight: InFlight = field(default_factory=InFlight)
    served: list[str] = field(default_factory=list)

    async def _cook(self, dish: str) -> str:
        async with self.in_flight.track(dish):
            await _sleep(self.durations[dish])
        self.served.append(dish)
        return self.results[dish]

    def expected(self) -> list[str]:
        return [self.results[dish] for dish in DISHES]

    def kitchen(self) -> Kitchen:
        """What make_breakfast is given: the three dishes, and nothing that leads back here."""
        return Kitchen(lambda dish: self._cook(dish))


@handed
class Kitchen:
    """The kitchen make_breakfast is given: three coroutine methods, nothing more."""

    def __init__(self, cook: Callable[[str], Awaitable[str]]) -> None:
        self._cook = cook

    async def boil_eggs(self) -> str:
        return await self._cook("boil_eggs")

    async def toast_bread(self) -> str:
        return await self._cook("toast_bread")

    async def brew_coffee(self) -> str:
        return await self._cook("brew_coffee")

    def __repr__(self) -> str:
        return "kitchen"


def _cook(solution: Solution) -> tuple[Cooking, Outcome[list[str]]]:
    make_breakfast = solution.function("make_breakfast", coroutine=True)
    kitchen = Cooking()
    handed_over = kitchen.kitchen()
    return kitchen, run_virtual(lambda: make_breakfast(handed_over))


# Breakfasts the order check cooks. A set of three tasks (asyncio.wait's `done`) comes out in
# the asked-for order about one time in 4.7 with the drawn task hashes (more often than one in
# six: two tasks whose hashes land on the same slot keep the order they were added in), so 8
# breakfasts let such code pass with 0.21 ** 8 = 4e-6; 0.21 ** 12 = 7e-9 is well below one in a
# million.
BREAKFASTS = 12


@check("make_breakfast returns the three results in order", points=2)
def test_returns_results_in_order(solution: Solution) -> None:
    for number in range(1, BREAKFASTS + 1):
        kitchen, outcome = _cook(solution)
        value = outcome.result("make_breakfast(kitchen)")
        if not (isinstance(value, list) and value == kitchen.expected()):
            raise _wrong_breakfast(solution, kitchen, outcome, value,
                                   "" if number == 1 else f"On breakfast {number} of {BREAKFASTS}, ")


def _wrong_breakfast(solution: Solution, kitchen: Cooking, outcome: Outcome[list[str]],
                     value: object, when: str) -> Fail:
    where = solution.definition_of("make_breakfast")
    if isinstance(value, list | tuple) and any(asyncio.iscoroutine(item) for item in value):
        return Fail(f"{when}make_breakfast returned coroutine objects instead of results: a "
                    f"coroutine must be awaited (directly or through gather) to run.",
                    outcome.first_leak_location() or where)
    expected = kitchen.expected()
    finished = [kitchen.results[dish] for dish in kitchen.served]
    how = ""
    if (isinstance(value, list | tuple) and all(isinstance(item, str) for item in value)
            and sorted(value) == sorted(expected)):
        how = (f" - a {type(value).__name__}, not a list" if list(value) == expected
               else " - the order the dishes finished in" if list(value) == finished
               else " - the right dishes in another order")
    left = left_behind(outcome)
    behind = f" Meanwhile {left}." if left else ""
    return Fail(f"{when}make_breakfast returned {shown(value)}{how}; expected {expected!r} (the "
                f"results of boil_eggs, toast_bread and brew_coffee, in that order, as a "
                f"list).{behind}", outcome.first_leak_location() if left else where)


@check("make_breakfast cooks the three dishes at the same time", points=3)
def test_cooks_at_the_same_time(solution: Solution, blocking: BlockingSpy) -> None:
    kitchen, outcome = _cook(solution)
    outcome.result("make_breakfast(kitchen)")
    if blocking.calls:
        raise Fail(blocking.message(), blocking.calls[0].location)
    needed = max(kitchen.durations.values())
    most, where = kitchen.in_flight.high_water, solution.definition_of("make_breakfast")
    record(timeline=kitchen.in_flight.timeline())
    if most == 0:
        raise Fail(f"No dish was cooked at all: none of the 3 started and {outcome.elapsed:.1f} s of "
                   f"simulated time passed. A coroutine runs only when it is awaited (directly "
                   f"or through gather).", where)
    if most < 3:
        raise Fail(f"The dishes were cooked {_how(most)}: {outcome.elapsed:.1f} s of simulated "
                   f"time; cooking all three at the same time needs {needed:.1f} s.", where)
    left = left_behind(outcome)
    behind = f" Meanwhile {left}." if left else ""
    expect(len(kitchen.served) == 3,
           f"Only {len(kitchen.served)} of the 3 dishes were served: make_breakfast must wait "
           f"for all three.{behind}", outcome.first_leak_location() if left else where)


@check("every dish is awaited and nothing is left running", points=2)
def test_nothing_left_behind(solution: Solution) -> None:
    kitchen, outcome = _cook(solution)
    left = left_behind(outcome)
    if left:
        raise Fail(f"make_breakfast(kitchen) left work behind: {left}.",
                   outcome.first_leak_location())
    outcome.result("make_breakfast(kitchen)")
    started = kitchen.in_flight.started
    expect(started == 3, f"make_breakfast started {started} dishes; each of the 3 should be "
                         f"cooked exactly once.", solution.definition_of("make_breakfast"))


def _how(most: int) -> str:
    if most <= 1:
        return "one at a time"
    return f"at most {most} at a time"
