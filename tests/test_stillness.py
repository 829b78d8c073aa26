"""The stillness proof ends a probe's wait at once when nothing can come any more, and never
while some thread may still bring what it waits for.

Each scenario runs in a Python of its own, as a check runs in a grading process of its own: a
thread the proof cannot account for (pytest-xdist's, here) rightly leaves it without proof.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from graders.probes import ThreadWork, run_virtual
from graders.probes.stillness import Deadlock

ITEMS = ["a", "b", "c", "d"]


def _run(work: ThreadWork, offload: Any) -> float:
    started = time.monotonic()
    with work.watching():
        outcome = run_virtual(lambda: offload(work.function()), limit=60)
    outcome.result("offload")
    return time.monotonic() - started


def _work(**options: Any) -> ThreadWork:
    return ThreadWork({item: item.upper() for item in ITEMS}, **options)


def _alone(scenario: str) -> None:
    """Run `scenario()` of this module in a Python of its own; fail as it fails."""
    here = Path(__file__).resolve()
    code = (f"import sys; sys.path[:0] = [{str(here.parent)!r}, {str(here.parent.parent)!r}]; "
            f"import {here.stem}; {here.stem}.{scenario}()")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("scenario", ["calls_awaited_in_turn_give_up_at_once",
                                      "a_one_worker_pool_gives_up_at_once",
                                      "calls_together_meet",
                                      "a_thread_doing_something_unknown_is_waited_for",
                                      "a_loop_blocked_on_an_event_for_good_fails_at_once",
                                      "a_loop_blocked_on_a_pool_that_waits_too_fails_at_once",
                                      "an_event_another_thread_will_set_is_waited_for",
                                      "an_event_a_starting_thread_will_set_is_waited_for",
                                      "an_event_a_timer_will_set_is_waited_for"])
def test_stillness(scenario: str) -> None:
    _alone(scenario)


def calls_awaited_in_turn_give_up_at_once() -> None:
    async def in_turn(func: Any) -> list[str]:
        return [await asyncio.to_thread(func, item) for item in ITEMS]

    work = _work(barrier=4)
    seconds = _run(work, in_turn)
    assert work.barrier_broken and work.proven_still
    assert seconds < work.patience  # the proof, not the patience, ended the wait


def a_one_worker_pool_gives_up_at_once() -> None:
    async def one_worker(func: Any) -> list[str]:
        loop = asyncio.get_running_loop()
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return list(await asyncio.gather(*(loop.run_in_executor(pool, func, item)
                                               for item in ITEMS)))

    work = _work(barrier=4)
    _run(work, one_worker)
    assert work.barrier_broken and work.proven_still


def calls_together_meet() -> None:
    async def together(func: Any) -> list[str]:
        return list(await asyncio.gather(*(asyncio.to_thread(func, item) for item in ITEMS)))

    for _ in range(5):
        work = _work(barrier=4)
        _run(work, together)
        assert not work.barrier_broken and not work.proven_still


def a_thread_doing_something_unknown_is_waited_for() -> None:
    """A thread blocked where the proof cannot see (here an Event with a timeout) may still call
    func: the wait goes on, and the barrier fills."""

    async def late_thread(func: Any) -> list[str]:
        results: list[str] = []

        def later() -> None:
            threading.Event().wait(0.3)
            results.append(func("b"))

        thread = threading.Thread(target=later)
        thread.start()
        results.append(await asyncio.to_thread(func, "a"))
        await asyncio.to_thread(thread.join)
        return results

    work = _work(barrier=2)
    _run(work, late_thread)
    assert not work.barrier_broken and not work.proven_still


# A loop's thread in threading.Event().wait() with no timeout. If the proof did not end a true
# deadlock the scenario would hang (and _alone's limit fail it); if it ended a wait that another
# thread would have ended, the scenario would see Deadlock.

def _blocked_for_good(coroutine: Any) -> bool:
    """Whether run_virtual ended `coroutine` with the proof's Deadlock."""
    try:
        outcome = run_virtual(coroutine, limit=60)
    except Deadlock:
        return True
    outcome.result("the coroutine")
    return False


def a_loop_blocked_on_an_event_for_good_fails_at_once() -> None:
    async def blocks() -> None:
        done = threading.Event()
        asyncio.get_running_loop().call_soon(done.set)  # the loop would set it: never runs
        done.wait()

    assert _blocked_for_good(blocks)


def a_loop_blocked_on_a_pool_that_waits_too_fails_at_once() -> None:
    """The pool's worker waits for an event only the blocked loop would set."""

    ready = threading.Event()

    async def blocks() -> None:
        done = threading.Event()
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=1)
        pool.submit(lambda: (ready.wait(), done.set()))
        asyncio.get_running_loop().call_soon(ready.set)
        done.wait()

    assert _blocked_for_good(blocks)
    ready.set()  # the worker, still waiting, may end


def an_event_another_thread_will_set_is_waited_for() -> None:
    async def waits() -> None:
        done = threading.Event()
        threading.Thread(target=lambda: (time.sleep(0.2), done.set())).start()
        done.wait()

    assert not _blocked_for_good(waits)


def an_event_a_starting_thread_will_set_is_waited_for() -> None:
    """A thread started with _thread has no frame of its own at first: it still counts."""
    import _thread

    async def waits() -> None:
        for _ in range(50):
            done = threading.Event()
            _thread.start_new_thread(done.set, ())
            done.wait()

    assert not _blocked_for_good(waits)


def an_event_a_timer_will_set_is_waited_for() -> None:
    """A loop on another thread, idle until a timer far off sets the event."""

    def other_loop(started: threading.Event, done: threading.Event) -> None:
        async def later() -> None:
            from graders.probes import stillness
            stillness.watch_loop(asyncio.get_running_loop())
            started.set()
            await asyncio.sleep(60)
            done.set()

        run_virtual(later, limit=120)

    async def waits() -> None:
        started, done = threading.Event(), threading.Event()
        threading.Thread(target=other_loop, args=(started, done)).start()
        started.wait()
        done.wait()

    assert not _blocked_for_good(waits)


def test_what_starts_a_thread_on_this_python_is_counted() -> None:
    """threading starts threads through `_start_new_thread` up to 3.12 and through
    `_start_joinable_thread` from 3.13: the proof must count the one this Python calls."""
    from graders.probes.stillness import _STARTERS

    called = set(threading.Thread.start.__code__.co_names)
    assert called & {name for owner, name, _ in _STARTERS if owner is threading}
