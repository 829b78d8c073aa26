"""Checks for exercise 13: compute_all runs a function in worker processes, `workers` at once.

The function the checks give is a `ProcessWork` (graders/probes/processes.py): it pickles, the
pools it is sent to start their processes by fork, and each call records the process it ran in -
the grading process, which runs the event loop, means it never reached a worker process. How many
calls ran at once is proved by a `multiprocessing.Barrier` the calls meet at in their worker
processes, a free loop by a heartbeat on the loop that each call waits to see tick, the order of
the results by making the calls finish in a drawn order, and what was left behind by recording
every pool and worker process the student's code started. The real-time limits on those waits
only stop code that would otherwise wait for ever: correct code passes them in milliseconds.
"""

from __future__ import annotations

from typing import Any

from graders.check import Fail, at_line, check, expect, expect_each_item_once, record, refuse_awaitables
from graders.probes import Outcome, Solution, run_virtual
from graders.probes import inputs as rand
from graders.probes.processes import ComputeError, ProcessWork, WorkLost, pickling_error
from graders.probes.student import describe_exception

HINTS = (
    "Calling func(item) inside the coroutine computes on the event loop's own thread: nothing "
    "else runs until it returns. A thread pool does not help with work that computes: threads "
    "of one process run Python code one at a time. The work has to go to other processes.",
    "A concurrent.futures.ProcessPoolExecutor sized by `workers` keeps that many worker "
    "processes, and loop.run_in_executor turns one call in it into an awaitable. Awaiting each "
    "one before making the next runs them one at a time. Only a function with a name at the top "
    "level of a module can be sent to a process: not a lambda, not a function made inside "
    "compute_all.",
    "Make an awaitable for every item first, then wait for all of them together with a tool that "
    "keeps their order and lets an exception through - inside a with-block for the pool (or with "
    "a shutdown in a finally), so that it is shut down whether the calls succeed or fail.",
)

CALL = "compute_all(func, items, workers)"
# Calls that must run at once; the default pool of the CPUS cores the probe pretends is smaller.
TOGETHER = 4
# Calls whose results the order check makes arrive in a drawn order (10! orders: a list in the
# order the calls finished passes by luck far less often than once in a million).
ORDERED = 10


def _work(items: list[str], **options: Any) -> ProcessWork:
    return ProcessWork({item: f"{item.upper()}-{rand.rng.randint(10, 99)}" for item in items},
                       **options)


def _compute(solution: Solution, work: ProcessWork, items: list[str], workers: int) -> Outcome[Any]:
    with work.running():  # the file is loaded inside: a pool made as it loads is seen too
        compute_all = solution.function("compute_all", coroutine=True)
        func = work.function()
        return run_virtual(lambda: compute_all(func, list(items), workers), limit=60,
                           background=[work.beat])


def _result(solution: Solution, work: ProcessWork, outcome: Outcome[Any]) -> Any:
    """What compute_all returned; a Fail that explains pickling if the work could not be sent."""
    _explain_sending(solution, work, outcome.error)
    return outcome.result(CALL)


def _explain_sending(solution: Solution, work: ProcessWork, error: BaseException | None) -> None:
    where = solution.definition_of("compute_all")
    afresh = [pool for pool in work.process_pools() if not pool.forks]
    if error is not None and afresh:
        raise Fail(f"{CALL} raised {describe_exception(error)}: the process pool made"
                   f"{at_line(afresh[0].location)} starts each worker process afresh (a pool "
                   f"with max_tasks_per_child does), and a fresh process cannot reach the func "
                   f"the grader gives, which lives in the running program. Leave "
                   f"max_tasks_per_child out.", afresh[0].location or where)
    unpicklable = pickling_error(error)
    if unpicklable is not None:
        raise Fail(f"{CALL} could not send the work to a worker process: "
                   f"{describe_exception(unpicklable)}. A process pool pickles the function it "
                   f"is given, and its arguments, to send them to another process, and a "
                   f"function is pickled by its name: the module it is in and its name there. A "
                   f"lambda, or a function defined inside another function, has no such name, so "
                   f"it cannot be pickled. Send func itself, with the item as its argument.", where)
    if isinstance(error, WorkLost):
        raise Fail(f"{CALL} ran func in a worker process that could not find it: the pool "
                   f"started that process afresh instead of copying the running program, which "
                   f"the grader needs (leave max_tasks_per_child out).", where)


def _not_in_processes(solution: Solution, work: ProcessWork, items: list[str],
                      consequence: str) -> None:
    """Fail if func ran in the grading process: on the loop's thread, or in its threads."""
    on_loop = work.on_loop_thread
    if on_loop:
        raise Fail(f"{CALL} called func on the event loop's own thread for {len(on_loop)} of the "
                   f"{len(items)} items: {consequence}", on_loop[0].location)
    threads = work.in_loop_threads
    if threads:
        pool = next(iter(work.thread_pools()), None)
        at = at_line(pool.location if pool else None, " (", ")")
        raise Fail(f"{CALL} ran func in threads of the event loop's own process for "
                   f"{len(threads)} of the {len(items)} items{at}. Threads of one "
                   f"process take turns running Python code (the GIL): work that computes runs "
                   f"no faster in them than one call after another, and the loop waits for its "
                   f"turn too. func must run in the worker processes of a ProcessPoolExecutor.",
                   (pool.location if pool else None) or solution.definition_of("compute_all"))


@check("compute_all returns func's results in the order of the items", points=2)
def test_returns_results_in_order(solution: Solution) -> None:
    items = rand.distinct_words(ORDERED)
    finish = list(items)
    while finish == items:
        rand.rng.shuffle(finish)
    work = _work(items, barrier=ORDERED, finish_order=finish)
    value = _result(solution, work, _compute(solution, work, items, workers=ORDERED))
    where = solution.definition_of("compute_all")
    refuse_awaitables(CALL, value, where)
    expected = [work.answers[item] for item in items]
    finished = [work.answers[item] for item in finish]
    how = (" It is in the order the calls finished." if value == finished and
           not work.barrier_broken else "")
    expect(isinstance(value, list) and value == expected,
           f"{CALL} returned {value!r}; expected {expected!r}: func's result for each item, in "
           f"the order of items {items!r}, as a list.{how}", where)
    expect_each_item_once(CALL, [call.item for call in work.calls], items,
                          solution.definition_of("compute_all"))


@check("func runs in worker processes and the event loop stays free", points=3)
def test_runs_in_worker_processes(solution: Solution) -> None:
    items = rand.distinct_words(2)
    work = _work(items, heartbeat=True)
    _result(solution, work, _compute(solution, work, items, workers=len(items)))
    _not_in_processes(solution, work, items,
                      "it ran in the loop's own process, and while it computes there the loop "
                      "is blocked and no other coroutine can run. func must run in worker "
                      "processes.")
    if work.loop_stalled:
        raise Fail(f"{CALL} ran func in worker processes, but the event loop stood still while "
                   f"they ran: a heartbeat task that ticks every {work.interval:g} s of loop time "
                   f"did not tick once in {work.patience:g} s of real time while func waited for "
                   f"it. Something in compute_all blocks the loop while it waits for the "
                   f"processes (a blocking .result() or pool.map on the loop's thread).",
                   solution.definition_of("compute_all"))
    expect_each_item_once(CALL, [call.item for call in work.calls], items,
                          solution.definition_of("compute_all"))
    record(processes=len(work.worker_pids))


@check("`workers` calls of func run at the same moment, in worker processes", points=3)
def test_runs_all_at_once(solution: Solution) -> None:
    items = rand.distinct_words(TOGETHER)
    work = _work(items, barrier=TOGETHER)
    _result(solution, work, _compute(solution, work, items, workers=TOGETHER))
    _not_in_processes(solution, work, items,
                      "calls on the loop's thread run one after another, and nothing else runs "
                      "meanwhile. func must run in worker processes, all at the same time.")
    expect_each_item_once(CALL, [call.item for call in work.calls], items,
                          solution.definition_of("compute_all"))
    most = work.high_water
    if not work.barrier_broken and len(work.worker_pids) >= TOGETHER:
        return
    details = {"processes": len(work.worker_pids)}
    where = solution.definition_of("compute_all")
    small = [pool for pool in work.process_pools()
             if pool.submitted and pool.max_workers < TOGETHER]
    if small:
        pool = small[0]
        at = at_line(pool.location, " (", ")")
        made = (f"made with max_workers={pool.asked}{at}" if pool.asked is not None
                else f"made without max_workers{at} had {pool.max_workers} worker "
                     f"processes - a pool made so takes its size from the machine it runs on, not "
                     f"from `workers` - and")
        raise Fail(f"The {TOGETHER} calls of func ran at most {most} at a time: the process pool "
                   f"{made} runs no more than {pool.max_workers} at once; compute_all was given "
                   f"workers={TOGETHER}.", pool.location or where, details)
    how = "one at a time" if most <= 1 else f"at most {most} at a time"
    raise Fail(f"The {TOGETHER} calls of func ran {how}: the first call waited for the others "
               f"to join it in their worker processes, and never more than {most} ran at once. "
               f"Each call must already be running while the next ones start.", where, details)


@check("compute_all uses no more than `workers` worker processes", points=2)
def test_uses_at_most_workers_processes(solution: Solution) -> None:
    workers = 2
    items = rand.distinct_words(2 * workers + 1)
    work = _work(items)
    _result(solution, work, _compute(solution, work, items, workers=workers))
    expect_each_item_once(CALL, [call.item for call in work.calls], items,
                          solution.definition_of("compute_all"))
    started = max(work.started_processes, len(work.worker_pids))
    if started <= workers:
        return
    pools = work.process_pools()
    if len(pools) == 1:
        pool = pools[0]
        how = (f": the pool made with max_workers={pool.asked}" if pool.asked is not None else
               ": the pool made without max_workers, which takes its size from the machine")
        how += at_line(pool.location)
    else:
        how = f" in {len(pools)} process pools"
    raise Fail(f"{CALL} was given workers={workers} but started {started} worker processes for "
               f"its {len(items)} items{how}. The caller decides how many processes may "
               f"compute at once (as many as it has CPU cores to spare): the other calls wait "
               f"for a free worker.",
               (pools[0].location if len(pools) == 1 else None)
               or solution.definition_of("compute_all"))


def _require_shut_down(solution: Solution, work: ProcessWork, after: str) -> None:
    left = work.leftovers
    if left.pools:
        pool = left.pools[0]
        processes = (f"its {left.running} worker processes were" if left.running != 1 else
                     "its worker process was")
        raise Fail(f"{after}, but the process pool made{at_line(pool.location)} was never "
                   f"shut down: "
                   f"{processes} still running, waiting for work that never comes. A pool "
                   f"must be shut down when its calls are done - also when one of them raises.",
                   pool.location or solution.definition_of("compute_all"))
    # A pool that was shut down, even without waiting, is what the lesson asks for: its worker
    # processes run only the check's func and end by themselves. How long they take to end is a
    # matter of the machine's load, so it decides nothing (left.lingering is only cleaned up).


@check("the pool is shut down: no worker process is left running", points=2)
def test_shuts_the_pool_down(solution: Solution) -> None:
    items = rand.distinct_words(2)
    work = _work(items)
    _result(solution, work, _compute(solution, work, items, workers=len(items)))
    _require_shut_down(solution, work, f"{CALL} returned")


def _leaves(error: BaseException) -> list[BaseException]:
    if isinstance(error, BaseExceptionGroup):
        return [leaf for inner in error.exceptions for leaf in _leaves(inner)]
    return [error]


@check("an exception raised by func reaches the caller, and the pool is still shut down",
       points=2)
def test_exceptions_propagate(solution: Solution) -> None:
    items = rand.distinct_words(3)
    bad = rand.rng.choice(items[1:])
    message = f"cannot process {bad!r}"
    work = _work(items, failures={bad: message})
    outcome = _compute(solution, work, items, workers=len(items))
    where = solution.definition_of("compute_all")
    error = ComputeError(message)
    if outcome.error is not None and any(
            isinstance(leaf, ComputeError) and str(leaf) == message
            for leaf in _leaves(outcome.error)):
        _require_shut_down(solution, work, f"func raised {error!r} and {CALL} raised it too")
        return
    _explain_sending(solution, work, outcome.error)
    if outcome.error is not None and not isinstance(outcome.error, NotImplementedError):
        raise Fail(f"func raised {error!r} for item {bad!r}, but {CALL} raised "
                   f"{describe_exception(outcome.error)} instead: the caller should get func's "
                   f"own exception.", where)
    value = outcome.result(CALL)
    raise Fail(f"func raised {error!r} for item {bad!r}, but {CALL} returned {value!r}: the "
               f"exception was swallowed. The caller must get it, raised.", where)

