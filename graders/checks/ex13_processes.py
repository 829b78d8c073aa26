"""Checks for exercise 13: compute_all runs a function in worker processes, `workers` at once.

The student's code runs in a process of its own. func is the judge's (`Workers`,
graders/probes/workers.py): what the code gets pickles, and each call of it, made in a worker
process, connects to a socket of the judge's, which learns the calling process from the kernel
(not from anything the caller says) and, from /proc, whether it is a worker process started by
the submission's process or that process itself - where the event loop runs: func never reached
a worker process. The judge answers each call when it decides: how many ran at once is the
number of worker processes whose calls it held at the same moment; the order of the results is
checked by answering the calls one after another in a drawn order; a free loop by answering a
call only after the loop that runs compute_all took a turn after it began; that a worker process
done with one call goes on to the next item by holding the call of one of the first items until
every other call has come and been answered; and what was left
behind is what /proc says of the processes seen once compute_all has returned. The submission's
own word (the pools it made, a loop's thread it says is blocked) only names a mistake or ends a
wait that would otherwise last for ever. Evidence each check passes on is in EVIDENCE.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from graders.check import Fail, at_line, check, expect, expect_each_item_once, record
from graders.probes import inputs as rand
from graders.probes.judge import Run, Submission
from graders.probes.values import shown, unawaited
from graders.probes.workers import Workers, supported
from graders.results import Location
from graders.trust import wire

HINTS = {
    "returns_results_in_order": (
        "compute_all returns func's results in the order of the items, whatever order the calls "
        "finish in.",
        "Collecting results as they finish gives the order they ended in; gather gives them back "
        "in the order you passed the awaitables.",
    ),
    "runs_in_worker_processes": (
        "Calling func(item) inside the coroutine computes on the event loop's own thread: nothing "
        "else runs until it returns. A thread pool does not help with work that computes: threads "
        "of one process run Python code one at a time. The work has to go to other processes.",
        "A concurrent.futures.ProcessPoolExecutor keeps worker processes, and loop.run_in_executor "
        "turns one call in it into an awaitable. Only a function with a name at the top level of "
        "a module can be sent to a process: send func itself, not a lambda or a function made "
        "inside compute_all.",
    ),
    "runs_all_at_once": (
        "Awaiting each call before making the next runs them one at a time. Make an awaitable "
        "for every item first, then wait for all of them together.",
    ),
    "keeps_every_worker_busy": (
        "With more items than worker processes, the pool hands a worker the next item as soon as "
        "it is done with one - if the pool already has it. Code that waits for some calls before "
        "it sends the next items leaves workers idle behind a slow call.",
        "Send every item to the pool on its own, in one go, before you wait for any result; and "
        "call func once for each item, even an item that appears twice.",
    ),
    "uses_at_most_workers_processes": (
        "The pool is sized by `workers`: it keeps that many worker processes, no more - and one "
        "pool serves every call.",
    ),
    "shuts_the_pool_down": (
        "Worker processes live until their pool is shut down. Shut it down before compute_all "
        "returns, whether the calls succeed or fail.",
        "A with-block for the pool (or a shutdown in a finally) shuts it down on every way out.",
    ),
    "exceptions_propagate": (
        "When func raises in a worker process, compute_all raises that exception: wait for the "
        "calls with a tool that lets an exception through rather than returning it.",
        "The pool must still be shut down when the exception passes: wait for the calls inside "
        "the with-block for the pool, or shut it down in a finally.",
    ),
}

# Evidence each check's pass rests on: what the judge saw itself.
EVIDENCE = {
    "returns_results_in_order": "the list returned, equal to func's answers in the items' order, "
                                "after the judge held the 10 calls of func until 10 worker "
                                "processes (callers known by SO_PEERCRED, below the submission's "
                                "process in /proc) had one in flight at once, then answered them "
                                "one after another in a drawn order; func called once per item; "
                                "and the empty list returned for no items",
    "runs_in_worker_processes": "every call of func came from a process below the submission's "
                                "(not the submission's own, where the loop runs) and was answered "
                                "only after the loop that runs compute_all answered a ping the "
                                "judge sent after the call began; func called once per item",
    "runs_all_at_once": "the judge held calls of func from 4 distinct worker processes in flight "
                        "at the same moment; func called once per item",
    "uses_at_most_workers_processes": "the child processes of the submission's process running "
                                      "at once (/proc, read at each call of func and at the end) "
                                      "and the worker processes with a call of func in flight at "
                                      "once number at most `workers`; func called once per item "
                                      "and its answers returned",
    "keeps_every_worker_busy": "with 2 workers and 5 items (one of them twice), the judge held "
                               "the call of one of the first two items in its worker process "
                               "(SO_PEERCRED, /proc) until every other call of func had come and "
                               "been answered; func called once per item, its answers returned "
                               "in order",
    "shuts_the_pool_down": "every worker process that called func, and every child process of "
                           "the submission's process seen during the call, had ended (/proc) "
                           "once compute_all returned; func called once per item",
    "exceptions_propagate": "the judge raised ComputeError for one item to a worker process's "
                            "call, compute_all raised that ComputeError itself (not wrapped in a "
                            "group), and every process seen had ended, as in "
                            "shuts_the_pool_down",
}

CALL = "compute_all(func, items, workers)"
# Calls that must run at once; a pool made without max_workers is sized for 2 cores, smaller.
TOGETHER = 4
# Calls whose results the order check makes arrive in a drawn order (10! orders: a list in the
# order the calls finished passes by luck far less often than once in a million).
ORDERED = 10


def _work(items: list[str], **options: Any) -> Workers:
    if not supported():
        raise Fail("Exercise 13 is graded on Linux only: the grader learns which process called "
                   "func from the operating system (SO_PEERCRED and /proc), which this platform "
                   "does not offer. Grade it on Linux or in WSL.", status="error")
    return Workers({item: f"{item.upper()}-{rand.rng.randint(10, 99)}" for item in items},
                   **options)


def _compute(submission: Submission, work: Workers, items: list[str], workers: int) -> Run:
    return submission.call("compute_all", work, list(items), workers, coroutine=True, call=CALL,
                           limit=60, processes=work)


def _pools(run: Run) -> list[dict[str, Any]]:
    """The process pools the submission reported making (a self-report: for messages)."""
    pools = run.report.get("process_pools")
    return [pool for pool in pools if isinstance(pool, dict)] if isinstance(pools, list) else []


def _number(value: Any) -> int | None:
    return value if type(value) is int else None


def _result(submission: Submission, run: Run) -> Any:
    """What compute_all returned; a Fail that explains pickling if the work could not be sent."""
    _explain_sending(submission, run)
    return run.result(CALL)


def _leaves(raised: wire.Raised) -> list[wire.Raised]:
    """The exceptions in an exception group (as the submission described them), or `raised`."""
    if raised.is_a("BaseExceptionGroup") and len(raised.args) > 1 \
            and isinstance(raised.args[1], list):
        return [leaf for inner in raised.args[1] if isinstance(inner, wire.Raised)
                for leaf in _leaves(inner)]
    return [raised]


def _pickling_error(raised: wire.Raised | None) -> wire.Raised | None:
    """The error, among `raised` and what it groups, that says the work could not be pickled to
    be sent to a worker process (a lambda, a nested function)."""
    if raised is None:
        return None
    for leaf in _leaves(raised):
        text = leaf.text.lower()
        if leaf.is_a("PicklingError") or ((leaf.is_a("AttributeError") or leaf.is_a("TypeError"))
                                          and ("pickle" in text or "local object" in text)):
            return leaf
    return None


def _unpicklable(raised: wire.Raised) -> str:
    """What could not be pickled, named as the student wrote it: Python's text says `local
    object 'compute_all.<locals>.one'`, a qualname no student wrote."""
    local = re.search(r"local object '([^']+)'", raised.text)
    if local is None:
        return raised.text
    qualname = local.group(1)
    inner = qualname.rsplit(".", 1)[-1]
    shown = "a lambda" if inner == "<lambda>" else f"{inner}()"
    if ".<locals>." in qualname:
        shown += f" inside {qualname.split('.<locals>.', 1)[0].rsplit('.', 1)[-1]}()"
    where = f" (line {raised.location[1]})" if raised.location else ""
    return f"{raised.type_name}: {shown} cannot be pickled{where}"


def _explain_sending(submission: Submission, run: Run) -> None:
    where = submission.definition_of("compute_all")
    raised = run.raised
    afresh = [pool for pool in _pools(run) if pool.get("forks") is False]
    if raised is not None and afresh and raised.is_a("BrokenProcessPool"):
        location = run.location_of(afresh[0].get("location"))
        raise Fail(f"{CALL} raised {raised.text}: the process pool made{at_line(location)} "
                   f"starts each worker process as a fresh interpreter (max_tasks_per_child "
                   f"does), and its worker processes ended before they answered. A fresh "
                   f"interpreter finds a function it is sent by importing the function's "
                   f"module by name, and the grader loads your file under its rules, where no "
                   f"fresh interpreter can import it: send func itself to the pool, or leave "
                   f"max_tasks_per_child out.", location or where)
    unpicklable = _pickling_error(raised)
    if unpicklable is not None:
        raise Fail(f"{CALL} could not send the work to a worker process: "
                   f"{_unpicklable(unpicklable)}. A process pool pickles the function it "
                   f"is given, and its arguments, to send them to another process, and a "
                   f"function is pickled by its name: the module it is in and its name there. A "
                   f"lambda, or a function defined inside another function, has no such name, so "
                   f"it cannot be pickled. Send func itself, with the item as its argument.", where)


def _not_in_processes(submission: Submission, work: Workers, run: Run, items: list[str],
                      consequence: str) -> None:
    """Fail if func ran outside worker processes: in the submission's own process (on the
    loop's thread, or in its threads), as the judge saw by the caller's process."""
    outside = work.outside
    if not outside:
        return
    where = submission.definition_of("compute_all")
    own = [call for call in outside if call.pid == outside[0].pid]
    on_loop = [call for call in outside if call.on_loop]
    if on_loop:
        raise Fail(f"{CALL} called func on the event loop's own thread for {len(on_loop)} of the "
                   f"{len(items)} items: {consequence}", on_loop[0].location or where)
    pools = run.report.get("thread_pools")
    pool = pools[0] if isinstance(pools, list) and pools and isinstance(pools[0], dict) else None
    location = run.location_of(pool.get("location")) if pool else None
    at = at_line(location, " (", ")")
    raise Fail(f"{CALL} ran func in threads of the event loop's own process for "
               f"{len(own)} of the {len(items)} items{at}. Threads of one "
               f"process take turns running Python code (the GIL): work that computes runs "
               f"no faster in them than one call after another, and the loop waits for its "
               f"turn too. func must run in the worker processes of a ProcessPoolExecutor.",
               location or where)


def _refuse_awaitables(value: Any, where: Location | None) -> None:
    if isinstance(value, list | tuple) and any(unawaited(item) for item in value):
        raise Fail(f"{CALL} returned coroutines or futures instead of func's results: each one "
                   f"must be awaited to get its result.", where)


@check("compute_all returns func's results in the order of the items", points=2)
def test_returns_results_in_order(submission: Submission) -> None:
    items = rand.distinct_words(ORDERED)
    finish = list(items)
    while finish == items:
        rand.rng.shuffle(finish)
    work = _work(items, barrier=ORDERED, finish_order=finish)
    run = _compute(submission, work, items, workers=ORDERED)
    value = _result(submission, run)
    where = submission.definition_of("compute_all")
    _refuse_awaitables(value, where)
    expect_each_item_once(CALL, work.items_called, items, where)
    expected = [work.answers[item] for item in items]
    finished = [work.answers[item] for item in finish]
    how = (" It is in the order the calls finished." if value == finished and
           work.barrier_met else "")
    expect(type(value) is list and value == expected,
           f"{CALL} returned {shown(value)}; expected {expected!r}: func's result for each item, "
           f"in the order of items {items!r}, as a list.{how}", where)
    _require_nothing_for_no_items(submission, where)


def _require_nothing_for_no_items(submission: Submission, where: Location | None) -> None:
    """No items is a list like any other (a fixed case no random draw makes): its results are
    the empty list."""
    call, work = "compute_all(func, [], 2)", _work([])
    run = submission.call("compute_all", work, [], 2, coroutine=True, call=call, limit=60,
                          processes=work)
    value = run.result(f"{call}, for no items,")
    expect(type(value) is list and value == [],
           f"{call} returned {shown(value)}; for no items the results are the empty list, [].",
           where)


def _explain_waiting_shutdown(run: Run) -> None:
    """Fail naming the shutdown that held the loop, if the submission says a pool was shut down
    on the loop's thread while its calls still ran (its word: it names the cause of a stall
    the judge saw)."""
    busy = [pool for pool in _pools(run) if pool.get("busy_on_loop") is True]
    if not busy:
        return
    location = run.location_of(busy[0].get("shut_down_at"))
    at = at_line(location, " (", ")")
    what = (f"the with-block of the process pool{at} ended while func's calls were still "
            f"running: leaving it shuts the pool down" if busy[0].get("by_with") is True else
            f"the process pool was shut down{at} while func's calls were still running, and "
            f"shutdown")
    raise Fail(f"{CALL} ran func in worker processes, but the event loop stood still while they "
               f"ran: {what}, which waits for every call to finish, on the loop's thread, "
               f"before anything awaits them. Await the calls inside the with-block (before "
               f"the shutdown).", location)


@check("func runs in worker processes and the event loop stays free", points=3)
def test_runs_in_worker_processes(submission: Submission) -> None:
    items = rand.distinct_words(2)
    work = _work(items, beat=True)
    run = _compute(submission, work, items, workers=len(items))
    _result(submission, run)
    _not_in_processes(submission, work, run, items,
                      "it ran in the loop's own process, and while it computes there the loop "
                      "is blocked and no other coroutine can run. func must run in worker "
                      "processes.")
    where = submission.definition_of("compute_all")
    if work.stalled:
        _explain_waiting_shutdown(run)
        at = at_line(work.blocked_at, " (", ")")
        raise Fail(f"{CALL} ran func in worker processes, but the event loop stood still while "
                   f"they ran: each call of func waited in its worker process for the loop to "
                   f"take a turn, and the loop took none - its thread waited in a blocking "
                   f"call{at}. Something in compute_all blocks the loop while it waits for the "
                   f"processes (a blocking .result() or pool.map on the loop's thread).",
                   work.blocked_at or where)
    expect_each_item_once(CALL, work.items_called, items, where)
    record(processes=len(work.worker_pids))


@check("`workers` calls of func run at the same moment, in worker processes", points=3)
def test_runs_all_at_once(submission: Submission) -> None:
    items = rand.distinct_words(TOGETHER)
    work = _work(items, barrier=TOGETHER)
    run = _compute(submission, work, items, workers=TOGETHER)
    _result(submission, run)
    _not_in_processes(submission, work, run, items,
                      "calls on the loop's thread run one after another, and nothing else runs "
                      "meanwhile. func must run in worker processes, all at the same time.")
    where = submission.definition_of("compute_all")
    expect_each_item_once(CALL, work.items_called, items, where)
    most = work.high_water
    if work.barrier_met and len(work.worker_pids) >= TOGETHER:
        return
    details = {"processes": len(work.worker_pids)}
    small = [pool for pool in _pools(run) if _number(pool.get("submitted"))
             and (_number(pool.get("max_workers")) or 0) < TOGETHER]
    if small:
        pool = small[0]
        location = run.location_of(pool.get("location"))
        at = at_line(location, " (", ")")
        size, asked = _number(pool.get("max_workers")), _number(pool.get("asked"))
        made = (f"made with max_workers={asked}{at}" if asked is not None
                else f"made without max_workers{at} had {size} worker "
                     f"processes - a pool made so takes its size from the machine it runs on, not "
                     f"from `workers` - and")
        raise Fail(f"The {TOGETHER} calls of func ran at most {most} at a time: the process pool "
                   f"{made} runs no more than {size} at once; compute_all was given "
                   f"workers={TOGETHER}.", location or where, details)
    how = "one at a time" if most <= 1 else f"at most {most} at a time"
    raise Fail(f"The {TOGETHER} calls of func ran {how}: compute_all was given "
               f"workers={TOGETHER} for {TOGETHER} items, so all {TOGETHER} could run in worker "
               f"processes at the same moment, and never more than {most} did. Each call must "
               f"already be running while the next ones start.", where, details)


@check("compute_all uses no more than `workers` worker processes", points=2)
def test_uses_at_most_workers_processes(submission: Submission) -> None:
    workers = 2
    items = rand.distinct_words(2 * workers + 1)
    work = _work(items)
    run = _compute(submission, work, items, workers=workers)
    value = _result(submission, run)
    where = submission.definition_of("compute_all")
    expect_each_item_once(CALL, work.items_called, items, where)
    expect(type(value) is list and value == [work.answers[item] for item in items],
           f"{CALL} returned {shown(value)}; expected func's result for each item, in the order "
           f"of items {items!r}, as a list.", where)
    # At once: a pool that replaces its worker processes (max_tasks_per_child) starts more
    # than `workers` in all, one after another, and runs no more than `workers` at a time.
    started = max(work.most_at_once, work.high_water)
    if started <= workers:
        return
    pools = _pools(run)
    location = run.location_of(pools[0].get("location")) if len(pools) == 1 else None
    if len(pools) == 1:
        asked = _number(pools[0].get("asked"))
        how = (f": the pool made with max_workers={asked}" if asked is not None else
               ": the pool made without max_workers, which takes its size from the machine")
        how += at_line(location)
    elif pools:
        how = f" in {len(pools)} process pools"
    else:
        how = ""
    raise Fail(f"{CALL} was given workers={workers} but ran {started} worker processes at once "
               f"for its {len(items)} items{how}. The caller decides how many processes may "
               f"compute at once (as many as it has CPU cores to spare): the other calls wait "
               f"for a free worker.", location or where)


@check("every item, repeats too, starts as soon as a worker process is free", points=3)
def test_keeps_every_worker_busy(submission: Submission) -> None:
    workers = 2
    words = rand.distinct_words(4)
    slow = rand.rng.choice(words[:workers])  # in the first `workers`: the first batch, the
    # first share of the items, whichever way they are cut
    repeated = rand.rng.choice(words[workers:])
    items = list(words)
    items.insert(rand.rng.randint(workers + 1, len(items)), repeated)
    work = _work(items, hold=slow, total=len(items))
    run = _compute(submission, work, items, workers=workers)
    value = _result(submission, run)
    where = submission.definition_of("compute_all")
    _not_in_processes(submission, work, run, items,
                      "it ran in the loop's own process, and while it computes there the loop "
                      "is blocked. func must run in worker processes.")
    expect_each_item_once(CALL, work.items_called, items, where)
    expect(type(value) is list and value == [work.answers[item] for item in items],
           f"{CALL} returned {shown(value)}; expected func's result for each item, in the order "
           f"of items {items!r}, as a list.", where)
    if not work.held or work.held_through:
        return
    waited = list((Counter(map(repr, items)) - Counter(map(repr, work.called_while_held)))
                  .elements())
    done = [shown for shown in map(repr, work.called_while_held) if shown != repr(slow)]
    meanwhile = (f"the other worker process computed only {', '.join(done)} and then had "
                 f"nothing to do" if done else "no other call of func started")
    sent = sum(_number(pool.get("submitted")) or 0 for pool in _pools(run))
    why = (f"{CALL} sent its pools {sent} pieces of work for {len(items)} items: a worker "
           f"process that takes a share of the items computes them one after another, so the "
           f"slow item holds up the rest of its share" if 0 < sent < len(items) else
           f"{CALL} waited for the slow call before it sent the pool the next items")
    raise Fail(f"With workers={workers} and {len(items)} items, func was slow for {slow!r}: "
               f"while its call ran, {meanwhile}, and {', '.join(waited)} started only once it "
               f"ended - {why}. Every item must go to the pool as it is, all of them before "
               f"compute_all waits for any, so that a worker process done with one call takes "
               f"the next item at once.", where)


def _require_shut_down(submission: Submission, work: Workers, run: Run, after: str) -> None:
    """Fail if a process seen during the call still runs now that compute_all has ended, or if a
    pool was shut down without waiting for its processes (the submission's word: it can only
    cost points; such processes are still ending when compute_all returns, and whether the
    judge still sees them depends on the moment it looks)."""
    hasty = [pool for pool in _pools(run) if pool.get("shut_down") is True
             and pool.get("waited") is False]
    if hasty:
        location = run.location_of(hasty[0].get("location"))
        raise Fail(f"{after}, but the process pool made{at_line(location)} was shut down without "
                   f"waiting for its worker processes (shutdown(wait=False)): they were still "
                   f"ending as compute_all returned. No worker process may be left running: "
                   f"let the shutdown wait for them (the default, and what a with-block does).",
                   location or submission.definition_of("compute_all"))
    left = work.left_running
    if not left:
        return
    unshut = [pool for pool in _pools(run) if pool.get("shut_down") is False]
    location = run.location_of(unshut[0].get("location")) if unshut else None
    processes = (f"its {len(left)} worker processes were" if len(left) != 1 else
                 "its worker process was")
    raise Fail(f"{after}, but the process pool made{at_line(location)} was never shut down: "
               f"{processes} still running, waiting for work that never comes. A pool "
               f"must be shut down when its calls are done - also when one of them raises.",
               location or submission.definition_of("compute_all"))


@check("the pool is shut down: no worker process is left running", points=2)
def test_shuts_the_pool_down(submission: Submission) -> None:
    items = rand.distinct_words(2)
    work = _work(items)
    run = _compute(submission, work, items, workers=len(items))
    _result(submission, run)
    expect_each_item_once(CALL, work.items_called, items, submission.definition_of("compute_all"))
    _require_shut_down(submission, work, run, f"{CALL} returned")


@check("an exception raised by func reaches the caller, and the pool is still shut down",
       points=2)
def test_exceptions_propagate(submission: Submission) -> None:
    items = rand.distinct_words(3)
    bad = rand.rng.choice(items[1:])
    message = f"cannot process {bad!r}"
    work = _work(items, failures={bad: message})
    run = _compute(submission, work, items, workers=len(items))
    where = submission.definition_of("compute_all")
    shown_error = f"ComputeError({message!r})"
    raised = run.raised
    if raised is not None and bad in work.failed_for and raised.is_a("ComputeError") \
            and raised.args == (message,):
        _require_shut_down(submission, work, run,
                           f"func raised {shown_error} and {CALL} raised it too")
        return
    _explain_sending(submission, run)
    _not_in_processes(submission, work, run, items,
                      "it ran in the loop's own process, and while it computes there the loop "
                      "is blocked. func must run in worker processes.")
    if run.broken or (raised is not None and raised.is_a("NotImplementedError")):
        run.result(CALL)  # a Fail saying so: not written yet, or the process ended
    # What func was called with comes first: with anything but the item it raises nothing.
    expect_each_item_once(CALL, work.items_called, items, where)
    if raised is not None and bad in work.failed_for and any(
            leaf.is_a("ComputeError") and leaf.args == (message,) for leaf in _leaves(raised)):
        raise Fail(f"func raised {shown_error} for item {bad!r}, and {CALL} raised "
                   f"{raised.type_name}, which wraps it: the caller must get func's exception "
                   f"itself, as `await asyncio.gather(...)` lets it out. A TaskGroup raises its "
                   f"tasks' errors wrapped in an ExceptionGroup: take func's exception out of "
                   f"the group and raise it.", where)
    if raised is not None and not raised.is_a("NotImplementedError") and not run.broken:
        raise Fail(f"func raised {shown_error} for item {bad!r}, but {CALL} raised "
                   f"{raised.text} instead: the caller should get func's own exception.", where)
    value = run.result(CALL)
    raise Fail(f"func raised {shown_error} for item {bad!r}, but {CALL} returned {shown(value)}: "
               f"the exception was swallowed. The caller must get it, raised.", where)
