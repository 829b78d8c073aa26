"""Spies that watch what student code does to the world around it."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import looptime

from graders.probes.student import caller_location
from graders.results import Location

_real_sleep = time.sleep
_get_running_loop = asyncio.events._get_running_loop


@dataclass
class BlockingCall:
    call: str
    seconds: float
    location: Location | None

    def describe(self) -> str:
        where = f" at {self.location.file} line {self.location.line}" if self.location else ""
        return f"{self.call}({self.seconds:g}){where}"


@dataclass
class BlockingSpy:
    """Replaces `time.sleep`: on a thread that runs an event loop the call is recorded and
    returns at once (it would freeze every coroutine); elsewhere it sleeps as usual."""

    calls: list[BlockingCall] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        if _get_running_loop() is not None:
            self.calls.append(BlockingCall("time.sleep", seconds, caller_location()))
            return
        _real_sleep(seconds)

    def message(self) -> str:
        first = self.calls[0]
        return (f"time.sleep was called inside a coroutine ({first.describe()}): it blocks the "
                f"event loop, so no other coroutine can run meanwhile. Await a non-blocking "
                f"sleep instead.")


@contextmanager
def spy_on_blocking() -> Iterator[BlockingSpy]:
    spy = BlockingSpy()
    time.sleep = spy.sleep
    try:
        yield spy
    finally:
        time.sleep = _real_sleep


@dataclass
class LoopFactorySpy(asyncio.DefaultEventLoopPolicy):
    """An event loop policy whose new loops run in virtual time and are remembered."""

    created: list[asyncio.AbstractEventLoop] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__()

    def new_event_loop(self) -> asyncio.AbstractEventLoop:
        loop = looptime.patch_event_loop(super().new_event_loop())  # type: ignore[arg-type]
        self.created.append(loop)
        return loop

    def left_open(self) -> list[asyncio.AbstractEventLoop]:
        return [loop for loop in self.created if not loop.is_closed()]

    def close_all(self) -> None:
        for loop in self.left_open():
            if not loop.is_running():
                loop.close()


@contextmanager
def spy_on_new_loops() -> Iterator[LoopFactorySpy]:
    original = asyncio.get_event_loop_policy()
    spy = LoopFactorySpy()
    asyncio.set_event_loop_policy(spy)
    try:
        yield spy
    finally:
        asyncio.set_event_loop_policy(original)
        spy.close_all()


@dataclass
class SessionSpy:
    """Remembers every aiohttp.ClientSession created, to count them and check they were closed."""

    sessions: list[aiohttp.ClientSession] = field(default_factory=list)
    locations: list[Location | None] = field(default_factory=list)

    @property
    def unclosed(self) -> list[Location | None]:
        return [where for session, where in zip(self.sessions, self.locations, strict=True)
                if not session.closed]


@contextmanager
def spy_on_sessions() -> Iterator[SessionSpy]:
    spy = SessionSpy()
    original_init = aiohttp.ClientSession.__init__

    def recording_init(session: aiohttp.ClientSession, *args: Any, **kwargs: Any) -> None:
        original_init(session, *args, **kwargs)
        spy.sessions.append(session)
        spy.locations.append(caller_location())

    aiohttp.ClientSession.__init__ = recording_init  # type: ignore[method-assign]
    try:
        yield spy
    finally:
        aiohttp.ClientSession.__init__ = original_init  # type: ignore[method-assign]
