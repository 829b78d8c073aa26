"""A spy on one event loop: what other threads do to it, the timers student code sets, and the
errors the loop reports.

- Foreign calls: `loop.call_soon` and `loop.call_at`/`call_later` are not thread-safe. A future's
  `set_result` schedules its waiters with `call_soon`, so `future.set_result(...)` made on another
  thread shows up here as a call from a foreign thread, with the student's line. The thread-safe
  routes (`call_soon_threadsafe`, `run_coroutine_threadsafe`, `wrap_future`, executors) go through
  `call_soon_threadsafe`, which is not watched.
- Student timers: every `call_at` made directly from a student file (an `asyncio.sleep`,
  `asyncio.timeout` or `wait_for` in the student's own code, not in code the checks hand over).
  Code that polls sets one per round; code that awaits what it waits for sets none.
- Errors: every context passed to the loop's exception handler (e.g. an `InvalidStateError` raised
  by a callback), passed on to the handler that was there before.

Used from the loop's thread, inside a coroutine: `with spy_on_loop() as spy: ...`.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from graders.probes.student import caller_location
from graders.results import Location
from graders.trust.student_files import is_student_file

_ASYNCIO_DIR = str(Path(asyncio.__file__).resolve().parent)
_THIS_FILE = __file__


@dataclass
class ForeignCall:
    """A non-thread-safe loop method called from a thread that is not the loop's."""

    method: str
    thread_name: str
    location: Location | None


@dataclass
class LoopSpy:
    loop: asyncio.AbstractEventLoop
    thread: int
    foreign_calls: list[ForeignCall] = field(default_factory=list)
    student_timers: list[Location] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)

    def exceptions(self) -> list[BaseException]:
        """The exceptions the loop reported to its exception handler."""
        return [context["exception"] for context in self.errors
                if isinstance(context.get("exception"), BaseException)]


def _direct_student_caller() -> Location | None:
    """The student's line if the nearest caller outside asyncio and this module is student code."""
    frame: FrameType | None = sys._getframe(2)
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename != _THIS_FILE and not filename.startswith(_ASYNCIO_DIR):
            break
        frame = frame.f_back
    if frame is None or not is_student_file(frame.f_code.co_filename):
        return None
    return Location(file=Path(frame.f_code.co_filename).name, line=frame.f_lineno)


@contextmanager
def spy_on_loop(loop: asyncio.AbstractEventLoop | None = None) -> Iterator[LoopSpy]:
    """Watch `loop` (the running loop unless given) until the block ends."""
    loop = loop or asyncio.get_running_loop()
    spy = LoopSpy(loop, threading.get_ident())
    saved = {name: loop.__dict__.get(name) for name in ("call_soon", "call_at")}
    original_soon, original_at = loop.call_soon, loop.call_at
    previous_handler = loop.get_exception_handler()

    def foreign(method: str) -> None:
        if threading.get_ident() != spy.thread:
            spy.foreign_calls.append(
                ForeignCall(method, threading.current_thread().name, caller_location()))

    def call_soon(callback: Any, *args: Any, context: Any = None) -> asyncio.Handle:
        foreign("call_soon")
        return original_soon(callback, *args, context=context)

    def call_at(when: float, callback: Any, *args: Any, context: Any = None) -> asyncio.TimerHandle:
        foreign("call_at")
        where = _direct_student_caller()
        if where is not None:
            spy.student_timers.append(where)
        return original_at(when, callback, *args, context=context)

    def handler(handled_loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        spy.errors.append(context)
        if previous_handler is not None:
            previous_handler(handled_loop, context)
        else:
            handled_loop.default_exception_handler(context)

    loop.call_soon = call_soon  # type: ignore[method-assign]
    loop.call_at = call_at  # type: ignore[method-assign]
    loop.set_exception_handler(handler)
    try:
        yield spy
    finally:
        for name, value in saved.items():
            if value is None:
                loop.__dict__.pop(name, None)
            else:
                setattr(loop, name, value)
        loop.set_exception_handler(previous_handler)
