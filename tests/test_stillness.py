"""The stillness proof ends a probe's wait at once when nothing can come any more, and never
while some thread may still bring what it waits for."""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
import time
from typing import Any

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


def test_calls_awaited_in_turn_give_up_at_once() -> None:
    async def in_turn(func: Any) -> list[str]:
        return [await asyncio.to_thread(func, item) for item in ITEMS]

    work = _work(barrier=4)
    seconds = _run(work, in_turn)
    assert work.barrier_broken and work.proven_still
    assert seconds < work.patience  # the proof, not the patience, ended the wait


def test_a_one_worker_pool_gives_up_at_once() -> None:
    async def one_worker(func: Any) -> list[str]:
        loop = asyncio.get_running_loop()
        with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
            return list(await asyncio.gather(*(loop.run_in_executor(pool, func, item)
                                               for item in ITEMS)))

    work = _work(barrier=4)
    _run(work, one_worker)
    assert work.barrier_broken and work.proven_still


def test_calls_together_meet() -> None:
    async def together(func: Any) -> list[str]:
        return list(await asyncio.gather(*(asyncio.to_thread(func, item) for item in ITEMS)))

    for _ in range(5):
        work = _work(barrier=4)
        _run(work, together)
        assert not work.barrier_broken and not work.proven_still


def test_a_thread_doing_something_unknown_is_waited_for() -> None:
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
