"""Checks for exercise 6: offload_all runs a blocking function in worker threads, all at once.

Where each call ran is proved by thread identity (the event loop's own thread means the loop was
blocked) and by a heartbeat on the loop that each call waits to see tick; how many ran at once by
a counter and a barrier of four, within the six workers of the default pool on a two-core
machine. The order of the results is checked with func's calls made to finish out of order
(reversed, then drawn), each one only after the loop has seen the one before it finish, so code
that collects results as they come can never be right by luck. Those waits end as soon as it is
proven that nothing else can happen (graders.probes.stillness: every thread waits on another and
the loop is idle); their real-time limits only stop code that would otherwise wait for ever in a
state that proof does not cover. Correct code passes them in milliseconds.
"""

from __future__ import annotations

import asyncio
from typing import Any

from graders.check import Fail, at_line, check, expect_each_item_once, refuse_awaitables
from graders.probes import Heartbeat, Outcome, Solution, ThreadWork, run_virtual
from graders.probes import inputs as rand
from graders.probes.finishing import FinishOrder
from graders.probes.handed import handed
from graders.probes.student import describe_exception
from graders.probes.threads import PATIENCE, spy_on_executors
from graders.results import Location

HINTS = (
    "Calling func(item) inside the coroutine runs it on the event loop's own thread: nothing "
    "else can run until it returns. It has to run in another thread, and the coroutine has to "
    "wait for it without blocking.",
    "asyncio.to_thread (or loop.run_in_executor) turns a call into an awaitable that runs in a "
    "worker thread. Awaiting each one before making the next runs them one at a time, and a "
    "pool of your own runs at most as many at once as it has workers.",
    "Make an awaitable for every item first, then wait for all of them together with a tool "
    "that keeps their order - and that lets an exception through rather than returning it.",
)

CALL = "offload_all(func, items)"
# Loop seconds the exception check lets calls of func go on after offload_all has ended.
LATE_CALLS = 10.0
_sleep = asyncio.sleep
# Four calls must meet: the default pool has min(32, cpus + 4) workers, at least five.
TOGETHER = 4
# Runs of the order check, four items each. func's calls finish in reverse order in the first and
# in a drawn order in the others; a list read from asyncio.wait's `done` (a set: its order is
# drawn) is in the items' order by luck in about one run in 16, so six leave it below 1e-7.
ORDER_ROUNDS = 6


@handed
class OffloadError(Exception):
    """What func raises for one item in the exception check."""


def _work(items: list[str], **options: Any) -> ThreadWork:
    return ThreadWork({item: f"{item.upper()}-{rand.rng.randint(10, 99)}" for item in items}, **options)


def _offload(solution: Solution, work: ThreadWork, items: list[str],
             **options: Any) -> Outcome[Any]:
    offload_all = solution.function("offload_all", coroutine=True)
    with work.watching():
        return run_virtual(lambda: offload_all(work.function(), list(items)), limit=60, **options)


async def _then_let_calls_end(offload_all: Any, work: ThreadWork, items: list[str]) -> Any:
    """offload_all(work, items), then keep the loop running (whatever it returned or raised)
    until every call of func has started and ended, for at most LATE_CALLS of loop time: calls
    still running after offload_all raised go on seeing the loop tick."""
    try:
        return await offload_all(work.function(), list(items))
    finally:
        waited = 0.0
        while (len(work.calls) < len(items) or work.in_flight.now) and waited < LATE_CALLS:
            await _sleep(0.01)
            waited += 0.01


def _loop_thread_message(work: ThreadWork, items: list[str], consequence: str) -> Fail:
    blocked = work.on_loop_thread
    return Fail(f"{CALL} called func on the event loop's own thread for {len(blocked)} of the "
                f"{len(items)} items: {consequence}", blocked[0].location)


@check("offload_all returns func's results in the order of the items", points=2)
def test_returns_results_in_order(solution: Solution) -> None:
    patience = PATIENCE
    for round_ in range(ORDER_ROUNDS):
        items = rand.distinct_words(TOGETHER)
        # Reversed first: code that collects results as they finish can never be right by luck.
        finishing = items[::-1] if round_ == 0 else _shuffled(items)
        if _require_order(solution, items, finishing, patience):
            # The calls did not all run at once (or the loop was blocked): their order cannot be
            # chosen, and waiting again in each run would only cost time.
            patience = 0.0


def _shuffled(items: list[str]) -> list[str]:
    while True:
        order = rand.rng.sample(items, len(items))
        if order != items:
            return order


def _require_order(solution: Solution, items: list[str], finishing: list[str],
                   patience: float) -> bool:
    """offload_all(func, items) with func's calls made to finish in the order `finishing`;
    whether a call gave up waiting for its turn."""
    work = _work(items)
    finish = FinishOrder(work, finishing, patience=patience)
    offload_all = solution.function("offload_all", coroutine=True)
    func = finish.function()
    with work.watching(), finish.watching():
        outcome = run_virtual(lambda: finish.running(offload_all(func, list(items))), limit=60)
    value = outcome.result(CALL)
    where = solution.definition_of("offload_all")
    refuse_awaitables(CALL, value, where)
    expected = [work.answers[item] for item in items]
    if not (isinstance(value, list) and value == expected):
        finished = ""
        if len(finish.finished) == len(items) and finish.finished != items:
            finished = (f" (The calls of func finished in the order {finish.finished!r}: the "
                        f"results must keep the items' order, whichever call ends first.)")
        raise Fail(f"{CALL} returned {value!r}; expected {expected!r}: func's result for each "
                   f"item, in the order of items {items!r}, as a list.{finished}", where)
    expect_each_item_once(CALL, [call.item for call in work.calls], items,
                          solution.definition_of("offload_all"))
    return finish.gave_up


@check("func runs in worker threads and the event loop stays free", points=3)
def test_keeps_the_loop_free(solution: Solution) -> None:
    items = rand.distinct_words(TOGETHER)
    heartbeat = Heartbeat(interval=0.01)
    work = _work(items, heartbeat=heartbeat)
    outcome = _offload(solution, work, items, background=[heartbeat.run])
    outcome.result(CALL)
    if work.on_loop_thread:
        ticks = sum(call.ticks_during or 0 for call in work.on_loop_thread)
        raise _loop_thread_message(
            work, items, f"while func runs there the loop is blocked and no other coroutine can "
            f"run - a heartbeat task that ticks every {heartbeat.interval:g} s of loop time ticked "
            f"{ticks} times during those calls. func must run in a worker thread.")
    if work.loop_stalled:
        raise Fail(f"{CALL} ran func in worker threads, but the event loop stood still while "
                   f"they ran: a heartbeat task that ticks every {heartbeat.interval:g} s of loop "
                   f"time did not tick once while func waited for it {work.waited()}. Something "
                   f"in offload_all blocks the loop while it waits for the threads (a blocking "
                   f".result(), .join() or time.sleep on the loop's thread).",
                   solution.definition_of("offload_all"))
    expect_each_item_once(CALL, [call.item for call in work.calls], items,
                          solution.definition_of("offload_all"))


@check("four calls of func run at the same moment", points=3)
def test_runs_all_at_once(solution: Solution) -> None:
    items = rand.distinct_words(TOGETHER)
    work = _work(items, barrier=TOGETHER)
    with spy_on_executors() as executors:
        outcome = _offload(solution, work, items)
    outcome.result(CALL)
    where = solution.definition_of("offload_all")
    if work.on_loop_thread:
        raise _loop_thread_message(
            work, items, "calls on the loop's thread run one after another, and nothing else "
            "runs meanwhile. func must run in worker threads, all at the same time.")
    expect_each_item_once(CALL, [call.item for call in work.calls], items,
                          solution.definition_of("offload_all"))
    most = work.in_flight.high_water
    if most >= TOGETHER:
        return
    details = {"threads": work.threads_used}
    small = executors.smaller_than(TOGETHER)
    if small:
        pool = small[0]
        at = at_line(pool.location, " (", ")")
        raise Fail(f"The {TOGETHER} calls of func ran at most {most} at a time: the thread pool "
                   f"made with max_workers={pool.max_workers}{at} runs no more than "
                   f"{pool.max_workers} at once, and {TOGETHER} items need {TOGETHER} workers.",
                   pool.location or where, details)
    how = "one at a time" if most <= 1 else f"at most {most} at a time"
    raise Fail(f"The {TOGETHER} calls of func ran {how}: the first call waited for the others to "
               f"join it {work.waited()}, and never more than {most} ran at once. "
               f"Each call must already be running while the next ones start.",
               where, details)


def _leaves(error: BaseException) -> list[BaseException]:
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in _leaves(inner)]
    return [error]


@check("an exception raised by func reaches the caller", points=2)
def test_exceptions_propagate(solution: Solution) -> None:
    items = rand.distinct_words(TOGETHER)
    bad = rand.rng.choice(items[1:])
    error = OffloadError(f"cannot process {bad!r}")
    heartbeat = Heartbeat(interval=0.01)
    work = _work(items, failures={bad: error}, after_failure=heartbeat)
    offload_all = solution.function("offload_all", coroutine=True)
    with work.watching():
        outcome = run_virtual(lambda: _then_let_calls_end(offload_all, work, items), limit=60,
                              background=[heartbeat.run])
    where = solution.definition_of("offload_all")
    if outcome.error is not None and any(leaf is error for leaf in _leaves(outcome.error)):
        _require_free_after_failure(work, error, bad, where)
        return
    if outcome.error is not None and not isinstance(outcome.error, NotImplementedError | OffloadError):
        raise Fail(f"func raised {error!r} for item {bad!r}, but {CALL} raised "
                   f"{describe_exception(outcome.error)} instead: the caller should get func's "
                   f"own exception.", where)
    value = outcome.result(CALL)
    raise Fail(f"func raised {error!r} for item {bad!r}, but {CALL} returned {value!r}: the "
               f"exception was swallowed. The caller must get it, raised.", where)


def _require_free_after_failure(work: ThreadWork, error: BaseException, bad: str,
                                where: Location | None) -> None:
    if not work.stalled_after_failure:
        return
    others = len(work.calls) - 1
    raise Fail(f"func raised {error!r} for item {bad!r} while its {others} other calls were still "
               f"running in worker threads, and from then on the event loop stood still: a "
               f"heartbeat task that ticks every 0.01 s of loop time did not tick once while "
               f"those calls waited for it {work.waited()}. Something in "
               f"offload_all blocks the loop's thread while other calls still run after one has "
               f"failed (a thread pool shut down, or left through its with-block, waits for its "
               f"threads on the loop's thread; so does a blocking .result()). The error must "
               f"reach the caller without stopping the loop.", where)
