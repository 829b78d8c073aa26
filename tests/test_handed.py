"""What a check hands to student code leads nowhere (issue 13, item 2).

Student code may read any public attribute of what it is given and call its public methods (the
rules refuse only private and dunder names). So a check hands plain data, plain functions and
small purpose-built objects (`graders.probes.handed`), never a probe, a bound method of one, or
anything of the check machinery: a probe's public `in_flight`, `answers` or `receipts` would let
sequential code fake concurrency, or read the answer without doing the work.

For every exercise, the reference is graded under `handed_spy` (a plugin loaded beside the
grader's): a trace function records every object that reaches student code during each check,
and each one's public attribute graph is walked. Any probe instance, pytest object, frame,
`graders` module or piece of the check machinery found there fails this test, with the path that
reaches it. The walker itself is tested first, on objects that must and must not be found.
"""

from __future__ import annotations

import asyncio
import functools
import importlib
import inspect
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import handed_spy
import pytest
from kit import REFERENCE

from graders import check as check_machinery
from graders.engine import runner
from graders.probes import InFlight, ThreadWork
from graders.probes.handed import handed
from graders.registry import PACKAGE_DIR, Exercise, exercises

TESTS = Path(__file__).parent
# Exercises whose checks still hand over check state, each with the reason; strict: once fixed,
# the test fails until the entry is removed.
KNOWN: dict[str, str] = {}


def _judged(exercise: Exercise) -> bool:
    """Its checks run the student's code in a process of its own (the `submission` fixture):
    nothing of the judge's is handed over in-process, so there is nothing here to walk (its
    handed objects are `Handed` stand-ins: tests/test_judge.py)."""
    module = importlib.import_module(exercise.checks_module)
    return any("submission" in inspect.signature(getattr(module, spec.function)).parameters
               for spec in runner.check_specs(exercise))


# The walker ------------------------------------------------------------------------------------

@handed
class _Front:
    """A purpose-built object: its state is private, its public API a method."""

    def __init__(self, probe: InFlight) -> None:
        self._probe = probe

    def start(self) -> None:
        self._probe.enter("start")


class _Leaky:
    """Not declared handed, and not the kit's: walked through, attribute by attribute."""

    def __init__(self, probe: Any) -> None:
        self.inner = {"deep": [probe]}


def test_a_probe_handed_over_is_found() -> None:
    found = handed_spy.walk({"work": ThreadWork({1: 2})})
    assert found == ["work is an instance of graders.probes.threads.ThreadWork"]


def test_check_state_behind_public_attributes_is_found_with_its_path() -> None:
    found = handed_spy.walk({"obj": _Leaky(InFlight())})
    assert found == ["obj.inner['deep'][0] is an instance of graders.probes.counters.InFlight"]


def test_a_bound_method_of_a_probe_is_found_and_so_is_a_partial_of_one() -> None:
    probe = InFlight()
    assert handed_spy.walk({"enter": probe.enter}) == [
        "enter.__self__ is an instance of graders.probes.counters.InFlight"]
    assert handed_spy.walk({"job": functools.partial(probe.enter, "x")}) == [
        "job.func.__self__ is an instance of graders.probes.counters.InFlight"]


def test_the_check_machinery_is_found() -> None:
    assert handed_spy.walk({"record": check_machinery.record}) == [
        "record is the check machinery's function graders.check.record"]
    assert handed_spy.walk({"fail": check_machinery.Fail("x")}) == [
        "fail is the check machinery (graders.check.Fail)"]
    assert handed_spy.walk({"module": runner}) == ["module is the module graders.engine.runner"]
    assert handed_spy.walk({"frame": sys._getframe()}) == ["frame is a frame"]


def test_closures_and_purpose_built_objects_lead_nowhere() -> None:
    probe = InFlight()

    def work(item: int) -> int:  # the probe is in a closure cell: no public name reaches it
        probe.enter(str(item))
        return item

    assert handed_spy.walk({"work": work, "front": _Front(probe), "data": [1, "a", {2: 3.0}],
                            "loop": asyncio.new_event_loop()}) == []


def test_what_a_check_patches_into_an_allowed_module_is_walked(
        monkeypatch: pytest.MonkeyPatch) -> None:
    probe = InFlight()
    monkeypatch.setattr(time, "sleep", probe.enter)
    handed = handed_spy.Handed()
    handed_spy.patched(handed)
    assert "the patched time.sleep.__self__ is an instance of graders.probes.counters.InFlight" \
        in handed_spy.walk(handed.roots())


# Every exercise, graded under the spy --------------------------------------------------------

def _spy_on(exercise: Exercise, tmp_path: Path) -> dict[str, dict[str, Any]]:
    report = tmp_path / "handed.json"
    env = {**os.environ, "HANDED_SOLUTIONS": str(REFERENCE), "HANDED_REPORT": str(report),
           "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
           "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", str(exercise.checks_path), "-c",
         str(PACKAGE_DIR / "grading.ini"), "--rootdir", str(PACKAGE_DIR), "-p", "graders.engine.plugin",
         "-p", "pytest_timeout", "--timeout=120", "-p", "handed_spy"],
        env=env, capture_output=True, text=True, timeout=600, check=False)
    assert report.exists(), done.stdout[-2000:] + done.stderr[-2000:]
    return json.loads(report.read_text())  # type: ignore[no-any-return]


def _marks(exercise: Exercise) -> list[Any]:
    if _judged(exercise):
        return [pytest.mark.skip(reason="judged in a process of its own: nothing is handed over here")]
    reason = KNOWN.get(exercise.module_name)
    return [pytest.mark.xfail(reason=reason, strict=True)] if reason else []


@pytest.mark.parametrize("exercise", [pytest.param(exercise, id=exercise.module_name,
                                                   marks=_marks(exercise))
                                      for exercise in exercises()])
def test_nothing_handed_to_student_code_reaches_check_state(exercise: Exercise,
                                                            tmp_path: Path) -> None:
    checks = _spy_on(exercise, tmp_path)
    names = [f"test_{spec.name}" for spec in runner.check_specs(exercise)]
    assert sorted(checks) == sorted(names)
    for name in names:
        seen = checks[name]
        # The reference still gets full marks with the spy on, and the spy saw student code run.
        assert seen.get("passed"), (name, seen.get("message"))
        assert seen["calls"] > 0 and seen["handed"] > 0, (name, seen)
    leaks = {name: seen["findings"] for name, seen in checks.items() if seen["findings"]}
    assert not leaks, json.dumps(leaks, indent=1)
