"""The submission runtime's busy count (graders/probes/submission.py, `Clock`) counts every work
item of a thread pool while it runs, however the threads interleave.

The count is what lets the judge advance simulated time: one too few and the process says it is
idle while a thread still works (or, below zero, never says it, and a correct submission hangs
until the real-time limit); one too many and it never says it. Each scenario forces one
interleaving with locks (no sleeps) and runs in a Python of its own, as a submission process
does: the runtime patches threading and concurrent.futures for the whole process.
"""

from __future__ import annotations

import concurrent.futures
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

# Real seconds a scenario's own waits may take before it fails (they end in milliseconds).
PATIENCE = 10.0


def _alone(scenario: str) -> None:
    """Run `scenario()` of this module in a Python of its own; fail as it fails."""
    here = Path(__file__).resolve()
    # Ended by os._exit: the runtime's threads and patches are no part of the interpreter's exit.
    code = (f"import os, sys, traceback; "
            f"sys.path[:0] = [{str(here.parent)!r}, {str(here.parent.parent)!r}]; "
            f"import {here.stem}\n"
            f"try:\n {here.stem}.{scenario}()\n"
            f"except BaseException:\n traceback.print_exc(); sys.stderr.flush(); os._exit(1)\n"
            f"os._exit(0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("scenario", ["an_item_that_ends_before_its_submit_returns_leaves_no_count",
                                      "a_dropped_item_is_counted_as_ended",
                                      "a_pool_made_after_another_ended_starts_with_no_count"])
def test_busy_count(scenario: str) -> None:
    _alone(scenario)


# --- the scenarios (each in a Python of its own) --------------------------------------------------


def _installed() -> Any:
    """The runtime installed in this process, with a judge that wakes it whenever it is idle."""
    from graders.probes import submission
    from graders.trust import wire

    judge_end, own_end = socket.socketpair()

    def judge() -> None:
        while True:
            try:
                messages = wire.unbatch(wire.receive(judge_end))
            except (OSError, wire.WireError):
                return
            for message in messages:
                if message["op"] == "idle":
                    wire.send(judge_end, {"op": "wake", "now": message.get("until") or 0.0})

    threading.Thread(target=judge, daemon=True).start()
    runtime = submission.Runtime(submission.Channel(own_end))
    submission._install(runtime)
    return runtime


def _wait_until(runtime: Any, ready: Callable[[], bool]) -> None:
    """Wait (busy, as code that computes is) until `ready()`, told by the clock's notices."""
    with runtime.clock.cond:
        assert runtime.clock.cond.wait_for(ready, PATIENCE), "the scenario's wait ran out"


def _busy_while_running(runtime: Any, pool: concurrent.futures.ThreadPoolExecutor) -> int:
    """The clock's busy count while one item of `pool` runs and this thread waits for it."""
    seen: list[int] = []
    submitted, release = threading.Lock(), threading.Lock()
    submitted.acquire()
    release.acquire()

    def item() -> None:
        submitted.acquire()  # this thread is out of submit (parked a moment if it started a worker)
        with runtime.clock.cond:
            seen.append(runtime.clock.busy)
            runtime.clock.cond.notify_all()
        release.acquire()  # the item stays busy until this thread has looked

    future = pool.submit(item)
    submitted.release()
    _wait_until(runtime, lambda: bool(seen))
    release.release()
    future.result()
    return seen[0]


def _outrun_by_its_item(runtime: Any, pool: concurrent.futures.ThreadPoolExecutor) -> None:
    """An item of `pool` that ends before its submit has returned (as on a loaded machine, when
    the worker thread the submit starts runs first)."""
    from graders.probes import submission

    real_submit = submission._pool_submit

    def submit_outrun(pool: Any, fn: Any, /, *args: Any, **kwargs: Any) -> Any:
        future = real_submit(pool, fn, *args, **kwargs)
        _wait_until(runtime, lambda: runtime.clock.busy == 1)  # the item has ended, all told
        return future

    submission._pool_submit = submit_outrun
    try:
        pool.submit(lambda: None).result()
    finally:
        submission._pool_submit = real_submit


def an_item_that_ends_before_its_submit_returns_leaves_no_count() -> None:
    """The pool's next item is still counted busy while it runs: the first left no count of
    its pool behind."""
    runtime = _installed()
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    _outrun_by_its_item(runtime, pool)
    # This thread and the item: 2 (a count left behind made the item wait for a worker that
    # was free, counted by nothing, and the process could say it was idle while it ran).
    assert _busy_while_running(runtime, pool) == 2
    pool.shutdown()
    assert runtime.clock.busy == 1


def _left_with_a_dropped_item(runtime: Any) -> None:
    """A pool of one worker shut down with an item waiting for it (dropped, never run), the
    pool and its threads then ended and let go."""
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
    hold = threading.Lock()
    hold.acquire()
    running = pool.submit(hold.acquire)  # occupies the only worker
    waiting = pool.submit(lambda: None)  # waits for it
    _wait_until(runtime, running.running)
    pool.shutdown(wait=False, cancel_futures=True)  # the waiting item never runs
    hold.release()
    running.result()
    assert waiting.cancelled()
    for thread in list(pool._threads):  # type: ignore[attr-defined]
        thread.join()


def a_dropped_item_is_counted_as_ended() -> None:
    """An item dropped by a shutdown with cancel_futures never runs: once the pool's threads
    have ended, only this thread is busy (a count left behind would keep the process from ever
    saying it is idle)."""
    runtime = _installed()
    _left_with_a_dropped_item(runtime)
    assert runtime.clock.busy == 1


def a_pool_made_after_another_ended_starts_with_no_count() -> None:
    """Pools made one after another count each item of the next one busy while it runs: a
    pool's count is its own, never what an ended pool left under the same address (a new
    object often takes the address of one just freed; the hang this was: a loop's default
    pool left a count, and a four-worker pool made later at its address took it over)."""
    runtime = _installed()
    for _ in range(50):
        ended = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        _outrun_by_its_item(runtime, ended)
        ended.shutdown()
        del ended
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        assert _busy_while_running(runtime, pool) == 2
        pool.shutdown()
