"""Checks for exercise 1: greet waits without blocking; run_greet runs it from synchronous code.

The student's code runs in a process of its own; its event loops read the judge's clock.
Evidence each check passes on (what the judge saw itself) is in EVIDENCE; what the submission's
side reports (a time.sleep on the loop, a busy wait, a loop left open, which calls of greet ran)
can only cost points.
"""

from __future__ import annotations

from typing import Any

from graders.check import Fail, check, expect
from graders.probes import inputs as rand
from graders.probes.judge import Run, Submission, describe_raised
from graders.probes.values import shown, unawaited

HINTS = {
    # Keyed by check, or by a function for all its checks; gentlest first (graders/hints.py).
    "greet_returns_greeting": (
        "greet gives back the greeting itself, built from the name exactly as the lesson's example "
        "shows it (the punctuation counts). Does your greet `return` that string once it has "
        "waited, or something else - a coroutine, or None?",
    ),
    "greet_waits_without_blocking": (
        "greet needs two lines: one that waits, one that returns the greeting. Which sleep lets "
        "other coroutines run while it waits?",
        "In a coroutine, wait with asyncio's own sleep, awaited (the lesson shows it): `time.sleep` "
        "freezes the loop, a loop that reads the clock over and over does too, and calling "
        "asyncio.sleep without `await` only makes a coroutine object that never runs.",
    ),
    "run_greet": (
        "run_greet is ordinary synchronous code: it cannot await. It has to create an event loop, "
        "run greet (with the name and the delay it was given) on it to the end, and close the "
        "loop, every time it is called. There is a function in asyncio that does all three.",
    ),
    "run_greet_from_a_new_thread": (
        "`asyncio.get_event_loop()` is not the tool: a new thread has no current event loop, so "
        "run_greet must not rely on one being there.",
    ),
    "run_greet_closes_its_loop": (
        "A loop kept between calls, or made for a call and never closed, stays open behind "
        "run_greet. The asyncio function that runs a coroutine from synchronous code makes a "
        "fresh loop for each call and closes it for you.",
    ),
}

EVIDENCE = {
    "greet_returns_greeting": "the string returned",
    "greet_waits_without_blocking": "the simulated time greet took on the judge's clock, and a "
                                    "heartbeat on its loop that was never held up",
    "run_greet_returns_result": "the string returned, and the simulated time it took (greet's delay)",
    "run_greet_from_a_new_thread": "the string returned when called from a new thread",
    "run_greet_closes_its_loop": "the strings returned by 3 calls in a row",
}


def _kinds(submission: Submission) -> None:
    """greet must be a coroutine function for run_greet to run it on a loop (reported)."""
    kinds = submission.kinds(["greet"], {"greet": "async"})
    if kinds.get("greet") == "def":
        raise Fail("greet is an ordinary function (`def`), not a coroutine function, so run_greet "
                   "has no coroutine to run on an event loop: it gets the greeting without one. "
                   "Define greet with `async def` first.", submission.definition_of("greet"))


def _blocked(call_text: str, run: Run) -> Fail | None:
    """A Fail naming how greet held the loop's thread while it should have waited, if it did."""
    if run.blocking:
        return Fail(run.blocking_message(), run.blocking_location())
    busy = run.report.get("busy_waits")
    if isinstance(busy, list) and busy and isinstance(busy[0], dict):
        first = busy[0]
        reads = first.get("reads") if type(first.get("reads")) is int else 0
        clock = first.get("clock") if type(first.get("clock")) is str else "time.monotonic"
        where = run.location_of(first.get("location"))
        at = f" at {where.file} line {where.line}" if where else ""
        return Fail(f"{call_text} waited in a busy loop: it read the clock with {clock}(){at} "
                    f"over and over ({reads:,} times) instead of awaiting. A busy wait holds "
                    f"the event loop's thread like time.sleep does: no other coroutine can run "
                    f"meanwhile. Await a non-blocking sleep instead.", where)
    if run.stall > 1e-6:
        return Fail(run.stall_message(call_text))
    return None


@check("greet returns the greeting", points=1)
def test_greet_returns_greeting(submission: Submission) -> None:
    name = rand.name()
    value = submission.call("greet", name, 0, coroutine=True,
                            call=f"greet({name!r}, 0)").result(f"greet({name!r}, 0)")
    expected = f"Hello, {name}!"
    expect(value == expected, f"greet({name!r}, 0) returned {shown(value)}; expected {expected!r}.",
           submission.definition_of("greet"))


@check("greet waits for the delay without blocking the event loop", points=2)
def test_greet_waits_without_blocking(submission: Submission) -> None:
    name, delay = rand.name(), rand.delay()
    call_text = f"greet({name!r}, {delay})"
    run = submission.call("greet", name, delay, coroutine=True, call=call_text, spy_clocks=True,
                          heartbeat=delay / 4)
    value = run.result(call_text)
    if unawaited(value):
        raise Fail(f"{call_text} returned {shown(value)}.", submission.definition_of("greet"))
    failure = _blocked(call_text, run)
    if failure:
        raise failure
    run.require_clean(call_text)
    # A time.sleep in a worker thread (asyncio.to_thread) does not block the loop: it counts as
    # waiting if greet waited for it.
    in_threads = run.reported("slept_off_loop")
    threads = f" ({in_threads:g} s of them asleep in a worker thread)" if in_threads else ""
    expect(abs(run.elapsed - delay) < 1e-3,
           f"{call_text} returned after {run.elapsed:.1f} s of simulated time{threads}; it should "
           f"wait {delay} s.",
           submission.definition_of("greet"))


def _not_run(call_text: str, run: Run, name: str, delay: float) -> str | None:
    """Why run_greet did not wait for greet, if it did not: what it did instead."""
    ran = run.watched("greet")
    if run.elapsed >= delay - 1e-3 and (not ran or any(args[:2] == (name, delay) for args in ran)):
        return None
    if ran:
        return (f"{call_text} ran greet{ran[0]!r}: run greet with the name and the delay "
                f"run_greet was given.")
    if not run.reported("loops_ran"):
        return (f"{call_text} returned without running greet: it started no event loop, and the "
                f"body of a coroutine function runs only on one (calling greet(...) alone makes "
                f"a coroutine object that never runs).")
    return (f"{call_text} returned without running greet to its end: its event loop's clock "
            f"moved {run.elapsed:.1f} s, and greet waits {delay} s.")


@check("run_greet returns greet's result from synchronous code", points=2)
def test_run_greet_returns_result(submission: Submission) -> None:
    _kinds(submission)
    name, delay = rand.name(), rand.delay()
    call_text = f"run_greet({name!r}, {delay})"
    run = submission.call("run_greet", name, delay, coroutine=False, call=call_text,
                          spy_clocks=True, watch=("greet",))
    value = run.result("run_greet")
    expected = f"Hello, {name}!"
    expect(value == expected, f"{call_text} returned {shown(value)}; expected {expected!r}.",
           submission.definition_of("run_greet"))
    not_run = _not_run(call_text, run, name, delay)
    if not_run:
        raise Fail(not_run, submission.definition_of("run_greet"))


@check("run_greet works from a thread that has no event loop", points=2)
def test_run_greet_from_a_new_thread(submission: Submission) -> None:
    _kinds(submission)
    name = rand.name()
    run = submission.call("run_greet", name, 0.5, coroutine=False, thread="new",
                          spy_clocks=True)
    if run.raised is not None:
        message = describe_raised("run_greet", run.raised)
        if not run.raised.is_a("NotImplementedError"):
            message = (f"Called from a new thread, {message}. A new thread has no current event "
                       f"loop: run_greet must not rely on one.")
        raise Fail(message, submission.definition_of("run_greet"))
    value = run.result("run_greet")
    expected = f"Hello, {name}!"
    expect(value == expected,
           f"From a new thread run_greet returned {shown(value)}; expected {expected!r}.",
           submission.definition_of("run_greet"))


def _open_loops(run: Run, first_call: int) -> tuple[int, int]:
    """Loops made during the calls since `first_call` still open, and loops made before them
    that ran during them and are still open (as the submission reports them)."""
    loops = run.report.get("loops")
    made_open = kept_open = 0
    for loop in loops if isinstance(loops, list) else []:
        if not (isinstance(loop, list) and len(loop) == 3 and type(loop[0]) is int
                and isinstance(loop[1], list) and loop[2] is False):
            continue
        made_in, ran_in = loop[0], loop[1]
        if made_in >= first_call:
            made_open += 1
        elif any(type(call) is int and call >= first_call for call in ran_in):
            kept_open += 1
    return made_open, kept_open


@check("run_greet can run again and again and closes its event loop", points=2)
def test_run_greet_closes_its_loop(submission: Submission) -> None:
    _kinds(submission)
    names = [rand.name() for _ in range(3)]
    runs: list[Run] = []
    for name in names:
        run = submission.call("run_greet", name, 0.2, coroutine=False, spy_clocks=True)
        runs.append(run)
        value, expected = _value(run), f"Hello, {name}!"
        expect(value == expected, f"Called again, run_greet({name!r}, 0.2) returned "
                                  f"{shown(value)}; expected {expected!r}.",
               submission.definition_of("run_greet"))
    first = runs[0].report.get("call")
    made_open, kept_open = _open_loops(runs[-1], first if type(first) is int else 0)
    expect(kept_open == 0,
           f"After 3 calls of run_greet, {kept_open} event loop(s) were left open: run_greet "
           f"ran greet on an event loop made before it was called (kept between calls), and it "
           f"is still open when run_greet returns. run_greet must leave no event loop open "
           f"behind it.", submission.definition_of("run_greet"))
    expect(made_open == 0,
           f"After 3 calls of run_greet, {made_open} event loop(s) were left open. Each call "
           f"must close the loop it ran greet on.", submission.definition_of("run_greet"))


def _value(run: Run) -> Any:
    return run.result("run_greet")
