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
                                      "a_thread_doing_something_unknown_is_waited_for"])
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
