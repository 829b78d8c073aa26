"""Checks for exercise 1: greet waits without blocking; run_greet runs it from synchronous code."""

from __future__ import annotations

import threading

from graders.check import Fail, check, expect
from graders.probes import BlockingSpy, Solution, call, run_virtual, spy_on_new_loops
from graders.probes import inputs as rand
from graders.probes.loop import describe_call_error

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
    return solution.function("run_greet", coroutine=False)


@check("greet returns the greeting", points=1)
def test_greet_returns_greeting(solution: Solution) -> None:
    greet, name = _greet(solution), rand.name()
    value = run_virtual(lambda: greet(name, 0)).result(f"greet({name!r}, 0)")
    expected = f"Hello, {name}!"
    expect(value == expected, f"greet({name!r}, 0) returned {value!r}; expected {expected!r}.",
           solution.definition_of("greet"))


@check("greet waits for the delay without blocking the event loop", points=2)
def test_greet_waits_without_blocking(solution: Solution, blocking: BlockingSpy) -> None:
    greet, name, delay = _greet(solution), rand.name(), rand.delay()
    call_text = f"greet({name!r}, {delay})"
    outcome = run_virtual(lambda: greet(name, delay))
    outcome.result(call_text)
    if blocking.calls:
        raise Fail(blocking.message(), blocking.calls[0].location)
    outcome.require_clean(call_text)
    expect(abs(outcome.elapsed - delay) < 1e-3,
           f"{call_text} returned after {outcome.elapsed:.1f} s of simulated time; it should "
           f"wait {delay} s.", solution.definition_of("greet"))


@check("run_greet returns greet's result from synchronous code", points=2)
def test_run_greet_returns_result(solution: Solution) -> None:
    run_greet, name, delay = _run_greet(solution), rand.name(), rand.delay()
    with spy_on_new_loops() as loops:
        value = call("run_greet", run_greet, name, delay)
    expected = f"Hello, {name}!"
    expect(value == expected,
           f"run_greet({name!r}, {delay}) returned {value!r}; expected {expected!r}.",
           solution.definition_of("run_greet"))
    waited = max((loop.time() for loop in loops.created), default=0.0)
    expect(waited >= delay - 1e-3,
           f"run_greet({name!r}, {delay}) returned without running greet: its event loop's "
           f"clock moved {waited:.1f} s, and greet waits {delay} s.",
           solution.definition_of("run_greet"))


@check("run_greet works from a thread that has no event loop", points=2)
def test_run_greet_from_a_new_thread(solution: Solution) -> None:
    run_greet, name = _run_greet(solution), rand.name()
    box: dict[str, object] = {}

    def in_thread() -> None:
        try:
            box["value"] = run_greet(name, 0.5)
        except Exception as error:  # the check reports it below
            box["error"] = error

    with spy_on_new_loops():
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
           f"From a new thread run_greet returned {box.get('value')!r}; expected {expected!r}.",
           solution.definition_of("run_greet"))


@check("run_greet can run again and again and closes its event loop", points=2)
def test_run_greet_closes_its_loop(solution: Solution) -> None:
    run_greet = _run_greet(solution)
    names = [rand.name() for _ in range(3)]
    with spy_on_new_loops() as loops:
        for name in names:
            value, expected = call("run_greet", run_greet, name, 0.2), f"Hello, {name}!"
            expect(value == expected, f"Called again, run_greet({name!r}, 0.2) returned {value!r}; "
                                      f"expected {expected!r}.", solution.definition_of("run_greet"))
        left_open = len(loops.left_open())
    expect(left_open == 0,
           f"After 3 calls of run_greet, {left_open} event loop(s) were left open. Each call "
           f"must close the loop it ran greet on.", solution.definition_of("run_greet"))
