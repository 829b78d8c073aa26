"""Checks for exercise 2: make_breakfast cooks three dishes at the same time.

The kitchen lives on the judge's side: each dish the student's code asks for is a message, and
the judge counts the dishes on the stove at once on its own clock. Evidence each check passes on
(graders/probes/judge.py): the list returned, rebuilt as plain data, and the kitchen's counts.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, ClassVar

from graders.check import Fail, check, expect, expect_done_when_needed, record
from graders.probes import InFlight
from graders.probes import inputs as rand
from graders.probes.judge import Call, Handed, Run, Submission
from graders.probes.values import is_coroutine, left_behind, shown

HINTS = {
    "returns_results_in_order": (
        "make_breakfast returns a list of what the three dishes gave back - not coroutines, tasks "
        "or strings of your own - in the order the lesson asks: eggs, toast, coffee, whatever "
        "order they finish in.",
        "Each dish's result comes from awaiting it (directly, or through what runs them "
        "together). asyncio.gather gives back a list in the order you passed the awaitables; "
        "collecting results as they finish (as_completed, or the `done` set of asyncio.wait) "
        "gives the order they ended in.",
    ),
    "cooks_at_the_same_time": (
        "Awaiting the three dishes one after another cooks them one at a time. You need to start "
        "all three before you wait for any of them.",
        "asyncio.gather(...) takes several awaitables, runs them at the same time and gives back "
        "their results in the order you passed them.",
        "Awaiting each dish inside the call to gather cooks it before gather even starts. Give "
        "gather the coroutine objects (the kitchen calls without await) and await only gather.",
    ),
    "nothing_left_behind": (
        "Every dish make_breakfast starts must be finished and awaited before it returns: a "
        "task that is started and never awaited goes on running after make_breakfast is done.",
        "If you start the dishes as tasks, await every one of them (or hand all of them to "
        "gather) before you return.",
    ),
}

# Evidence each check's pass rests on: what the judge saw itself.
EVIDENCE = {
    "returns_results_in_order": "the list returned, equal to the three results in order, and the "
                                "kitchen cooked each dish, 12 times",
    "cooks_at_the_same_time": "the kitchen saw 3 dishes on the stove at once and served all 3, "
                              "a heartbeat on the loop was never held up, and the call took "
                              "no longer than the slowest dish on the judge's clock",
    "nothing_left_behind": "the kitchen saw each of the 3 dishes started exactly once",
}

DISHES = ("boil_eggs", "toast_bread", "brew_coffee")


@dataclass
class Cooking(Handed):
    """Three dishes with random cooking times; counts how many cook at once, on the judge's
    clock. make_breakfast gets it as `kitchen`: three coroutine methods, nothing more."""

    name: ClassVar[str] = "Kitchen"
    methods: ClassVar[dict[str, str]] = {dish: "async" for dish in DISHES}

    durations: dict[str, float] = field(default_factory=lambda: _durations())
    results: dict[str, str] = field(default_factory=lambda: {
        "boil_eggs": f"eggs-{rand.word(5)}", "toast_bread": f"toast-{rand.word(5)}",
        "brew_coffee": f"coffee-{rand.word(5)}"})
    in_flight: InFlight = field(default_factory=InFlight)
    served: list[str] = field(default_factory=list)

    async def _cook(self, dish: str) -> str:
        async with self.in_flight.track(dish):
            await asyncio.sleep(self.durations[dish])
        self.served.append(dish)
        return self.results[dish]

    async def boil_eggs(self, call: Call) -> str:
        return await self._cook("boil_eggs")

    async def toast_bread(self, call: Call) -> str:
        return await self._cook("toast_bread")

    async def brew_coffee(self, call: Call) -> str:
        return await self._cook("brew_coffee")

    def expected(self) -> list[str]:
        return [self.results[dish] for dish in DISHES]

    def __repr__(self) -> str:
        return "kitchen"


def _durations(slowest: str | None = None) -> dict[str, float]:
    """Three different cooking times, the longest for `slowest` (drawn when None): code that
    awaits one dish and then reads the others' results as if they were done is right only when
    the dish it awaited is the slowest."""
    shortest, middle, longest = sorted(rand.distinct_delays(3, 1.0, 4.0))
    slowest = slowest or rand.rng.choice(DISHES)
    others = [dish for dish in DISHES if dish != slowest]
    rand.rng.shuffle(others)
    return {slowest: longest, others[0]: shortest, others[1]: middle}


# Simulated seconds between the heartbeat's beats (dishes take 1 to 4 s).
BEAT = 0.25


def _cook(submission: Submission, heartbeat: float | None = None,
          kitchen: Cooking | None = None) -> tuple[Cooking, Run]:
    kitchen = kitchen or Cooking()
    return kitchen, submission.call("make_breakfast", kitchen, coroutine=True,
                                    call="make_breakfast(kitchen)", heartbeat=heartbeat)


# Breakfasts the order check cooks. A set of three tasks (asyncio.wait's `done`) comes out in
# the asked-for order about one time in 4.7 with the drawn task hashes (more often than one in
# six: two tasks whose hashes land on the same slot keep the order they were added in), so 8
# breakfasts let such code pass with 0.21 ** 8 = 4e-6; 0.21 ** 12 = 7e-9 is well below one in a
# million. Each dish is the slowest in turn (from a drawn first), so in two breakfasts of every
# three the dishes finish in another order than they were asked for, and every dish is once
# still cooking when the others are done.
BREAKFASTS = 12


@check("make_breakfast returns the three results in order", points=2)
def test_returns_results_in_order(submission: Submission) -> None:
    first = rand.rng.randrange(len(DISHES))
    for number in range(1, BREAKFASTS + 1):
        slowest = DISHES[(first + number) % len(DISHES)]
        kitchen, run = _cook(submission, kitchen=Cooking(durations=_durations(slowest)))
        value = run.result("make_breakfast(kitchen)")
        when = "" if number == 1 else f"On breakfast {number} of {BREAKFASTS}, "
        if not (type(value) is list and value == kitchen.expected()):
            raise _wrong_breakfast(submission, kitchen, run, value, when)
        expect(sorted(kitchen.served) == sorted(DISHES),
               f"{when}make_breakfast returned the right list, but the kitchen cooked "
               f"{len(kitchen.served)} of the 3 dishes: the results must come from cooking them.",
               submission.definition_of("make_breakfast"))


def _wrong_breakfast(submission: Submission, kitchen: Cooking, run: Run, value: Any,
                     when: str) -> Fail:
    where = submission.definition_of("make_breakfast")
    if isinstance(value, list | tuple) and any(is_coroutine(item) for item in value):
        return Fail(f"{when}make_breakfast returned coroutine objects instead of results: a "
                    f"coroutine must be awaited (directly or through gather) to run.",
                    run.first_leak_location() or where)
    expected = kitchen.expected()
    finished = [kitchen.results[dish] for dish in kitchen.served]
    how = ""
    if (isinstance(value, list | tuple) and all(type(item) is str for item in value)
            and sorted(value) == sorted(expected)):
        how = (f" - a {type(value).__name__}, not a list" if list(value) == expected
               else " - the order the dishes finished in" if list(value) == finished
               else " - the right dishes in another order")
    left = left_behind(run)
    behind = f" Meanwhile {left}." if left else ""
    return Fail(f"{when}make_breakfast returned {shown(value)}{how}; expected {expected!r} (the "
                f"results of boil_eggs, toast_bread and brew_coffee, in that order, as a "
                f"list).{behind}", run.first_leak_location() if left else where)


@check("make_breakfast cooks the three dishes at the same time", points=3)
def test_cooks_at_the_same_time(submission: Submission) -> None:
    kitchen, run = _cook(submission, heartbeat=BEAT)
    run.result("make_breakfast(kitchen)")
    where = submission.definition_of("make_breakfast")
    if run.blocking:
        raise Fail(run.blocking_message(), run.blocking_location())
    if run.stall > 1e-6:
        raise Fail(run.stall_message("make_breakfast(kitchen)"), where)
    needed = max(kitchen.durations.values())
    most = kitchen.in_flight.high_water
    record(timeline=kitchen.in_flight.timeline())
    if most == 0:
        raise Fail(f"No dish was cooked at all: none of the 3 started and {run.elapsed:.1f} s of "
                   f"simulated time passed. A coroutine runs only when it is awaited (directly "
                   f"or through gather).", where)
    if most < 3:
        raise Fail(f"The dishes were cooked {_how(most)}: {run.elapsed:.1f} s of simulated "
                   f"time; cooking all three at the same time needs {needed:.1f} s.", where)
    left = left_behind(run)
    behind = f" Meanwhile {left}." if left else ""
    expect(len(kitchen.served) == 3,
           f"Only {len(kitchen.served)} of the 3 dishes were served: make_breakfast must wait "
           f"for all three.{behind}", run.first_leak_location() if left else where)
    # The stove at once is not all: the breakfast is ready when the slowest dish is.
    expect_done_when_needed(
        run.elapsed, needed,
        f"The three dishes were on the stove at the same time, but make_breakfast returned "
        f"after {run.elapsed:.1f} s of simulated time; the slowest dish takes {needed:.1f} s, "
        f"and the breakfast is ready when it is", "cooking needs", where)


@check("every dish is awaited and nothing is left running", points=2)
def test_nothing_left_behind(submission: Submission) -> None:
    kitchen, run = _cook(submission)
    left = left_behind(run)
    if left:
        raise Fail(f"make_breakfast(kitchen) left work behind: {left}.",
                   run.first_leak_location())
    run.result("make_breakfast(kitchen)")
    started = kitchen.in_flight.started
    expect(started == 3, f"make_breakfast started {started} dishes; each of the 3 should be "
                         f"cooked exactly once.", submission.definition_of("make_breakfast"))


def _how(most: int) -> str:
    if most <= 1:
        return "one at a time"
    return f"at most {most} at a time"
