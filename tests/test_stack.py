"""The libraries the checks stand on still work together: fail loudly if an upgrade breaks them."""

from __future__ import annotations

import asyncio

import aiohttp
import looptime

from graders.probes import FakeServer, run_virtual


def test_aioresponses_mocks_the_installed_aiohttp() -> None:
    # aioresponses 0.7.9 fails every request on aiohttp 3.14 (aioresponses issue #289).
    server = FakeServer()
    server.add("http://kit.test/a", "hello", latency=2.0)

    async def fetch() -> str:
        async with aiohttp.ClientSession() as session, session.get("http://kit.test/a") as response:
            return await response.text()

    with server.serve():
        outcome = run_virtual(fetch)
    assert outcome.error is None, f"aioresponses {aiohttp.__version__}: {outcome.error!r}"
    assert outcome.value == "hello"
    assert outcome.elapsed == 2.0


def test_looptime_compresses_concurrent_and_sequential_sleeps() -> None:
    async def concurrent() -> None:
        await asyncio.gather(*(asyncio.sleep(1) for _ in range(5)))

    async def sequential() -> None:
        for _ in range(5):
            await asyncio.sleep(1)

    assert run_virtual(concurrent).elapsed == 1.0
    assert run_virtual(sequential).elapsed == 5.0
    assert isinstance(looptime.new_event_loop(), looptime.LoopTimeEventLoop)
