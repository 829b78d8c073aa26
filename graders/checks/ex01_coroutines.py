"""Checks for exercise 1: greet waits without blocking; run_greet runs it from synchronous code."""

from __future__ import annotations

import asyncio
import functools
import inspect
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graders.check import Fail, check, expect
from graders.probes import BlockingSpy, Solution, call, run_virtual, spy_on_new_loops
from graders.probes import inputs as rand
from graders.probes.loop import describe_call_error
from graders.probes.spies import ClockSpy, LoopFactorySpy, spy_on_clock_reads
from graders.probes.values import shown, unawaited

HINTS = (
    "greet needs two lines: one that waits, one that returns the greeting. Which sleep lets "
    "other coroutines run while it waits?",
    "In a coroutine, wait with asyncio's own sleep, awaited (the lesson shows it): `time.sleep` "
    "freezes the loop, and calling asyncio.sleep without `await` only makes a coroutine object "
    "that never runs.",
    "run_greet must create a loop, run greet on it and close it, every time. There is a "
    "function in asyncio that does all three; `asyncio.get_event_loop()` is not it (a new "
    "thread has no current loop).",
)


def _greet(solution: Solution):  # type: ignore[no-untyped-def]
    return solution.function("greet", coroutine=True)


def _run_greet(solution: Solution):  # type: ignore[no-untyped-def]
    run_greet = solution.function("run_greet", coroutine=False)
    greet = getattr(solution.module(), "greet", None)
    if callable(greet) and not inspect.iscoroutinefunction(greet):
        raise Fail("greet is an ordinary function (`def`), not a coroutine function, so run_greet "
                   "has no coroutine to run on an event loop: it gets the greeting without one. "
                   "Define greet with `async def` first.", solution.definition_of("greet"))
    return run_greet


@dataclass
class GreetRuns:
    """The calls of greet that ran to their end, as run_greet made them."""

    finished: list[tuple[Any, ...]] = field(default_factory=list)

    def ran(self, *args: Any) -> bool:
        return any(made[: len(args)] == args for made in self.finished)


def _watch_greet(solution: Solution) -> GreetRuns:
    """Replace the module's greet with one that records each run to its end, so a check can tell
    'run_greet never ran greet' from 'greet did not wait'."""
    module, runs = solution.module(), GreetRuns()
    original: Callable[..., Any] | None = getattr(module, "greet", None)
    if not (callable(original) and inspect.iscoroutinefunction(original)):
        return runs
    signature = inspect.signature(original)

    @functools.wraps(original)
    async def greet(*args: Any, **kwargs: Any) -> Any:
        value = await original(*args, **kwargs)
        try:
            runs.finished.append(signature.bind(*args, **kwargs).args)
        except TypeError:
            runs.finished.append(args)
        return value

    module.greet = greet
    return runs


def _blocked(call_text: str, blocking: BlockingSpy, clocks: ClockSpy) -> Fail | None:
    """A Fail naming how greet held the loop's thread while it should have waited, if it did."""
    if blocking.calls:
        return Fail(blocking.message(), blocking.calls[0].location)
    if clocks.busy:
        busy = clocks.busy[0]
        return Fail(f"{call_text} waited in a busy loop: it read the clock with {busy.describe()} "
                    f"over and over ({busy.reads:,} times) instead of awaiting. A busy wait holds "
                    f"the event loop's thread like time.sleep does: no other coroutine can run "
                    f"meanwhile. Await a non-blocking sleep instead.", busy.location)
    return None


@check("greet returns the greeting", points=1)
def test_greet_returns_greeting(solution: Solution) -> None:
    greet, name = _greet(solution), rand.name()
    value = run_virtual(lambda: greet(name, 0)).result(f"greet({name!r}, 0)")
    expected = f"Hello, {name}!"
    expect(value == expected, f"greet({name!r}, 0) returned {shown(value)}; expected {expected!r}.",
           solution.definition_of("greet"))


@check("greet waits for the delay without blocking the event loop", points=2)
def test_greet_waits_without_blocking(solution: Solution, blocking: BlockingSpy) -> None:
    greet, name, delay = _greet(solution), rand.name(), rand.delay()
    call_text = f"greet({name!r}, {delay})"
    loops: list[asyncio.AbstractEventLoop] = []
    slept: list[float] = []  # seconds slept in worker threads, and over, when greet returned

    async def watched() -> str:
        loops.append(asyncio.get_running_loop())
        value = await greet(name, delay)
        slept.append(sum(sleep.seconds for sleep in blocking.off_loop if sleep.ended))
        return value

    # A time.sleep in a worker thread (asyncio.to_thread) does not block the loop: it lasts one
    # turn of the loop, and counts as waiting if greet waited for it.
    blocking.loop_for_threads = lambda: loops[0] if loops else None
    with spy_on_clock_reads() as clocks:
        outcome = run_virtual(watched)
    value = outcome.result(call_text)
    if unawaited(value):
        raise Fail(f"{call_text} returned {shown(value)}.", solution.definition_of("greet"))
    failure = _blocked(call_text, blocking, clocks)
    if failure:
        raise failure
    outcome.require_clean(call_text)
    in_threads = slept[0] if slept else 0.0
    waited = outcome.elapsed + in_threads
    threads = f" ({in_threads:g} s of them asleep in a worker thread)" if in_threads else ""
    expect(abs(waited - delay) < 1e-3,
           f"{call_text} returned after {waited:.1f} s of simulated time{threads}; it should "
           f"wait {delay} s.",
           solution.definition_of("greet"))


def _threads_sleep_in(loops: LoopFactorySpy, blocking: BlockingSpy) -> None:
    """A time.sleep in a worker thread lasts one turn of the newest loop run_greet made, instead
    of real seconds (a greet that sleeps in a thread, awaited, is a correct one)."""
    blocking.loop_for_threads = lambda: next(
        (loop for loop in reversed(_ran(loops)) if not loop.is_closed()), None)


def _ran(loops: LoopFactorySpy) -> list[asyncio.AbstractEventLoop]:
    """The loops run_greet made, and any made earlier (a module-level loop) that it ran."""
    return loops.created + loops.ran_elsewhere


def _not_run(call_text: str, loops: LoopFactorySpy, runs: GreetRuns,
             delay: float) -> str:
    """Why run_greet's event loop did not wait for greet: what run_greet did instead."""
    if runs.finished:
        return (f"{call_text} ran greet{runs.finished[0]!r}: run greet with the name and the "
                f"delay run_greet was given.")
    waited = max((loop.time() for loop in _ran(loops)), default=0.0)
    if not _ran(loops):
        return (f"{call_text} returned without running greet: it started no event loop, and the "
                f"body of a coroutine function runs only on one (calling greet(...) alone makes "
                f"a coroutine object that never runs).")
    return (f"{call_text} returned without running greet to its end: its event loop's clock "
            f"moved {waited:.1f} s, and greet waits {delay} s.")


@check("run_greet returns greet's result from synchronous code", points=2)
def test_run_greet_returns_result(solution: Solution, blocking: BlockingSpy) -> None:
    run_greet, name, delay = _run_greet(solution), rand.name(), rand.delay()
    runs, call_text = _watch_greet(solution), f"run_greet({name!r}, {delay})"
    with spy_on_new_loops(watch_runs=True) as loops, spy_on_clock_reads():
        _threads_sleep_in(loops, blocking)
        value = call("run_greet", run_greet, name, delay)
    expected = f"Hello, {name}!"
    expect(value == expected, f"{call_text} returned {shown(value)}; expected {expected!r}.",
           solution.definition_of("run_greet"))
    # greet run to its end with these arguments is enough; so is a loop that waited (greet
    # reached some other way than through the module's name).
    waited = max((loop.time() for loop in _ran(loops)), default=0.0)
    expect(runs.ran(name, delay) or (not runs.finished and waited >= delay - 1e-3),
           _not_run(call_text, loops, runs, delay), solution.definition_of("run_greet"))


@check("run_greet works from a thread that has no event loop", points=2)
def test_run_greet_from_a_new_thread(solution: Solution, blocking: BlockingSpy) -> None:
    run_greet, name = _run_greet(solution), rand.name()
    box: dict[str, object] = {}

    def in_thread() -> None:
        try:
            box["value"] = run_greet(name, 0.5)
        except Exception as error:  # the check reports it below
            box["error"] = error

    with spy_on_new_loops(watch_runs=True) as loops, spy_on_clock_reads():
        _threads_sleep_in(loops, blocking)
        thread = threading.Thread(target=in_thread)
        thread.start()
        thread.join()
    if "error" in box:
        error = box["error"]
        assert isinstance(error, Exception)
        message = describe_call_error("run_greet", error)
        if not isinstance(error, NotImplementedError):
            message = (f"Called from a new thread, {message}. A new thread has no current event "
                       f"loop: run_greet must not rely on one.")
        raise Fail(message, solution.definition_of("run_greet"))
    expected = f"Hello, {name}!"
    expect(box.get("value") == expected,
           f"From a new thread run_greet returned {shown(box.get('value'))}; expected "
           f"{expected!r}.", solution.definition_of("run_greet"))


@check("run_greet can run again and again and closes its event loop", points=2)
def test_run_greet_closes_its_loop(solution: Solution, blocking: BlockingSpy) -> None:
    run_greet = _run_greet(solution)
    names = [rand.name() for _ in range(3)]
    with spy_on_new_loops(watch_runs=True) as loops, spy_on_clock_reads():
        _threads_sleep_in(loops, blocking)
        for name in names:
            value, expected = call("run_greet", run_greet, name, 0.2), f"Hello, {name}!"
            expect(value == expected, f"Called again, run_greet({name!r}, 0.2) returned "
                                      f"{shown(value)}; expected {expected!r}.",
                   solution.definition_of("run_greet"))
        made_open, kept_open = len(loops.left_open()), len(loops.ran_elsewhere_open())
    expect(kept_open == 0,
           f"After 3 calls of run_greet, {kept_open} event loop(s) were left open: run_greet "
           f"ran greet on an event loop made before it was called (kept between calls), and it "
           f"is still open when run_greet returns. run_greet must leave no event loop open "
           f"behind it.", solution.definition_of("run_greet"))
    expect(made_open == 0,
           f"After 3 calls of run_greet, {made_open} event loop(s) were left open. Each call "
           f"must close the loop it ran greet on.", solution.definition_of("run_greet"))
