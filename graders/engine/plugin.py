"""The pytest plugin that turns each check's outcome into a result for the report.

Loaded with `-p graders.engine.plugin` in the process that runs the checks. It owns the fixtures checks
use (`submission`) and a `Channel` that writes one JSON line per check to a pipe the
grading process reads. It never formats output for people: that is the renderers' job.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from graders.check import CheckSpec, Fail, take_recorded
from graders.probes.judge import Submission
from graders.probes.loop import describe_call_error
from graders.probes.stillness import Deadlock
from graders.probes.student import (
    Stop,
    is_timeout,
    location_of_traceback,
    stop_of,
    timeout_seconds,
)
from graders.results import CheckResult, Location, check_dict
from graders.trust.student_files import solutions_dir

# Real seconds each later check of an exercise gets once one of its checks ran into the time limit
# (in this process). Still only a hang guard: correct code needs milliseconds of real time, since
# latency is simulated (the slowest reference check takes ~30 ms on a loaded two-core machine).
# A hang found once then costs seconds in each further check that reaches it, not the full limit,
# while a check that does not reach it is graded as usual.
HANG_GUARD = 3.0


@pytest.fixture
def submission(request: pytest.FixtureRequest) -> Iterator[Submission]:
    """The student's module in a process of its own, which the check talks to by messages
    (graders/probes/judge.py); stopped when the check ends."""
    module = request.module.__name__.rsplit(".", 1)[-1]
    judged = Submission(module, solutions_dir() / f"{module}.py")
    judged.start()  # before the check builds its world: the process gets none of it
    try:
        yield judged
    finally:
        judged.close()


def verdict(spec: CheckSpec, error: BaseException | None,
            recorded: dict[str, Any] | None = None) -> CheckResult:
    """The result of one check from the exception it ended with (None: it passed) and the
    details it `record`ed."""
    details = dict(recorded or {})
    printed = details.pop("printed", "")
    result = CheckResult(spec.name, spec.title, "failed", 0, spec.points, details=details,
                         printed=printed if type(printed) is str else "")
    if error is None:
        result.status, result.score = "passed", spec.points
    elif isinstance(error, Fail):
        result.status = error.status
        result.message, result.location = error.message, error.location
        result.details.update(error.details)
    elif is_timeout(error) or isinstance(error, Deadlock):
        result.status = "timeout"  # a deadlock is a hang, proven before the time limit came
        result.message, result.location = _hangs.judge(spec, error)
    elif (where := location_of_traceback(error.__traceback__)) is not None:
        result.message, result.location = describe_call_error("Your code", error), where
    else:
        result.status = "error"
        result.message = (f"The check itself failed ({type(error).__name__}: {error}). "
                          f"This is a bug in the kit, not in your code: please report it.")
    return result


@dataclass
class _Hang:
    """The first check of an exercise that the time limit stopped, and where its code was."""

    title: str
    stop: Stop


class _Hangs:
    """The exercises whose code hung in this process, and the exercise of the running check."""

    def __init__(self) -> None:
        self.first: dict[str, _Hang] = {}
        self.exercise = ""

    def judge(self, spec: CheckSpec, error: BaseException) -> tuple[str, Location | None]:
        # A submission process says where it was (graders/probes/judge.py); else the traceback.
        stop, limit = getattr(error, "stop", None) or stop_of(error), timeout_seconds(error) or 0.0
        first = self.first.get(self.exercise)
        if first is None:
            self.first[self.exercise] = _Hang(spec.title, stop)
        if isinstance(error, Deadlock):
            return _deadlock_message(stop, first), stop.location
        if first is None:
            return _hang_message(stop, limit), stop.location
        return _again_message(stop, limit, first), stop.location


_hangs = _Hangs()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, Any, None]:
    """Once a check of an exercise hung, its later checks get HANG_GUARD seconds (tryfirst:
    pytest-timeout reads the marker as the check starts)."""
    module = getattr(item, "module", None)
    _hangs.exercise = module.__name__.rsplit(".", 1)[-1] if module else ""
    limit = item.config.getoption("timeout", None)
    if _hangs.exercise in _hangs.first and limit:
        item.add_marker(pytest.mark.timeout(min(HANG_GUARD, float(limit))), append=False)
    yield


def _hang_message(stop: Stop, limit: float) -> str:
    where = stop.location
    if stop.loop_blocked and stop.function and where is not None:
        return (f"The event loop was blocked: {stop.doing} "
                f"({where.file}, line {where.line}) and had not given control back to the loop "
                f"when the check was stopped after {limit:g} s of real time. While a coroutine "
                f"runs without reaching an await, no other task runs and the loop's clock stands "
                f"still. {stop.advice()}")
    at = (f" It was at {where.file} line {where.line} (`{stop.code}`) when it was stopped."
          if where else "")
    return (f"This check did not finish in time ({limit:g} s of real time): the code under test "
            f"hangs or blocks. Look for an endless loop or a blocking call.{at}")


def _deadlock_message(stop: Stop, first: _Hang | None) -> str:
    """The loop's thread waited, with no timeout, for an event no thread could set any more
    (graders.probes.stillness proved it): stopped at once, not by the time limit."""
    where = stop.location
    if first is not None and where is not None and where == first.stop.location:
        return (f"Stopped at once at the same place, {where.file} line {where.line}, where nothing "
                f"could ever end the wait: the hang reported in the check \"{first.title}\".")
    if stop.loop_blocked and stop.function and where is not None:
        return (f"The event loop was blocked: {stop.doing} "
                f"({where.file}, line {where.line}), a wait with no timeout for a threading "
                f"Event that nothing could ever set: every other thread was waiting too, and "
                f"the blocked loop could run nothing, so the check stopped it at once. While a "
                f"coroutine runs without reaching an await, no other task or callback runs and "
                f"the loop's clock stands still. Look for a call that blocks (a threading Event "
                f"or Lock, time.sleep, blocking I/O) or a loop that never awaits.")
    at = (f" It was at {where.file} line {where.line} (`{stop.code}`)." if where else "")
    return (f"The event loop's thread waited, with no timeout, for a threading Event that nothing "
            f"could ever set (every other thread was waiting too): the check stopped it at once."
            f"{at}")


def _again_message(stop: Stop, limit: float, first: _Hang) -> str:
    where = stop.location
    shorter = f"once a check of an exercise has hung, the others get {limit:g} s"
    if where is not None and where == first.stop.location:
        return (f"Stopped after {limit:g} s of real time at the same place, {where.file} line "
                f"{where.line}: the hang reported in the check \"{first.title}\" ({shorter}).")
    at = (f" It was at {where.file} line {where.line} (`{stop.code}`) when it was stopped."
          if where else "")
    return (f"Stopped after {limit:g} s of real time, still running: see the check "
            f"\"{first.title}\", which hung ({shorter}).{at}")


class Channel:
    """Writes, as signed JSON lines to a file descriptor, each check's start and its result,
    then the end of the session: the results protocol that graders/trust/protocol.py holds it to.

    The signature (made with a key only the grading process and this child hold) lets the
    grading process reject lines that anything else writes to the descriptor. No student code
    runs in this process: every check judges it in a submission process of its own.
    """

    def __init__(self, fd: int = -1, sign: Callable[[bytes], bytes] | None = None) -> None:
        self.fd, self._sign = fd, sign

    def bind(self, fd: int, sign: Callable[[bytes], bytes]) -> None:
        """Made (registered with pytest) before the child is forked; bound in the child."""
        self.fd, self._sign = fd, sign

    def send(self, exercise: str, result: CheckResult) -> None:
        self._write({"exercise": exercise, **check_dict(result)})

    def _write(self, message: dict[str, Any]) -> None:
        if self._sign is None:
            return  # not bound: the grading process's own copy of the session sends nothing
        data = json.dumps(message).encode()
        line = data + b"\t" + self._sign(data) + b"\n"
        view = memoryview(line)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]

    @pytest.hookimpl(hookwrapper=True, tryfirst=True)
    def pytest_runtest_protocol(self, item: pytest.Item) -> Generator[None, Any, None]:
        """Announce the check before anything of it runs: a result is taken only for the
        check announced, and each announcement gives it a fresh silence limit."""
        spec: CheckSpec | None = getattr(getattr(item, "function", None), "__check__", None)
        if spec is not None:
            module = item.module.__name__.rsplit(".", 1)[-1]  # type: ignore[attr-defined]
            self._write({"event": "start", "exercise": module, "name": spec.name})
        yield

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, Any, None]:
        yield
        spec: CheckSpec | None = getattr(getattr(item, "function", None), "__check__", None)
        if spec is None:
            return
        failed = call.excinfo is not None
        if call.when == "setup":
            take_recorded()  # nothing a previous check recorded belongs to this one
        if call.when == "call" or (call.when == "setup" and failed):
            result = verdict(spec, call.excinfo.value if call.excinfo else None, take_recorded())
            self.send(item.module.__name__.rsplit(".", 1)[-1], result)  # type: ignore[attr-defined]

    def pytest_sessionfinish(self) -> None:
        # Tells the grading process the session ended by itself (not by a crash or os._exit).
        self._write({"event": "end"})
