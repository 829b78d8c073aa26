"""The pytest plugin that turns each check's outcome into a result for the report.

Loaded with `-p graders.plugin` in the process that runs the checks. It owns the fixtures checks
use (`solution`, `blocking`) and a `Channel` that writes one JSON line per check to a pipe the
grading process reads. It never formats output for people: that is the renderers' job.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Generator, Iterator
from typing import Any

import pytest

from graders.check import CheckSpec, Fail, take_recorded
from graders.integrity import Guard
from graders.probes.loop import describe_call_error
from graders.probes.spies import BlockingSpy, spy_on_blocking
from graders.probes.student import Solution, location_of_traceback
from graders.results import CheckResult, check_dict


@pytest.fixture
def solution(request: pytest.FixtureRequest) -> Solution:
    """The student's module for the exercise this checks module grades."""
    return Solution(request.module.__name__.rsplit(".", 1)[-1])


@pytest.fixture(autouse=True)
def blocking() -> Iterator[BlockingSpy]:
    """Records `time.sleep` calls made on a thread that runs an event loop."""
    with spy_on_blocking() as spy:
        yield spy


def verdict(spec: CheckSpec, error: BaseException | None,
            recorded: dict[str, Any] | None = None) -> CheckResult:
    """The result of one check from the exception it ended with (None: it passed) and the
    details it `record`ed."""
    result = CheckResult(spec.name, spec.title, "failed", 0, spec.points, details=dict(recorded or {}))
    if error is None:
        result.status, result.score = "passed", spec.points
    elif isinstance(error, Fail):
        result.message, result.location = error.message, error.location
        result.details.update(error.details)
    elif _is_timeout(error):
        where = location_of_traceback(error.__traceback__)
        at = f" It was at {where.file} line {where.line} when it was stopped." if where else ""
        result.status, result.location = "timeout", where
        result.message = ("This check did not finish in time: the code under test hangs or "
                          f"blocks. Look for an endless loop or a blocking call.{at}")
    elif (where := location_of_traceback(error.__traceback__)) is not None:
        result.message, result.location = describe_call_error("Your code", error), where
    else:
        result.status = "error"
        result.message = (f"The check itself failed ({type(error).__name__}: {error}). "
                          f"This is a bug in the kit, not in your code: please report it.")
    return result


def _is_timeout(error: BaseException) -> bool:
    return type(error).__name__ == "Failed" and str(error).startswith("Timeout")


class Channel:
    """Writes each check's result as one signed JSON line to a file descriptor.

    The signature (made with a key only the grading process and this child hold) lets the
    grading process reject lines that student code writes to the descriptor itself; `guard`
    turns any tampering found during a check into that check's failure.
    """

    def __init__(self, fd: int, sign: Callable[[bytes], bytes], guard: Guard) -> None:
        self.fd, self._sign, self._guard = fd, sign, guard

    def send(self, exercise: str, result: CheckResult) -> None:
        self._write({"exercise": exercise, **check_dict(result)})

    def _write(self, message: dict[str, Any]) -> None:
        data = json.dumps(message).encode()
        line = data + b"\t" + self._sign(data) + b"\n"
        view = memoryview(line)
        while view:
            written = os.write(self.fd, view)
            view = view[written:]

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
            tampered = self._guard.judge(result)
            self.send(item.module.__name__.rsplit(".", 1)[-1], result)  # type: ignore[attr-defined]
            if tampered:
                # What was patched stays patched in this process: the grading process goes on
                # with the remaining checks in a fresh one.
                item.session.shouldstop = "tampering"

    def pytest_collection_finish(self) -> None:
        self._guard.arm()

    def pytest_sessionfinish(self) -> None:
        # Tells the grading process the session ended by itself (not by a crash or os._exit).
        self._write({"event": "end"})
