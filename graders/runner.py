"""Grade a selection of exercises: each runs in an isolated child, results become a Report.

A child that crashes, exits or hangs loses only the check it was running: that check fails with
a message saying how the child ended, and a fresh child runs the checks it did not reach.
"""

from __future__ import annotations

import hmac
import importlib
import json
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from graders import worker
from graders.check import CheckSpec, specs
from graders.definitions import def_lines
from graders.isolation import Ended, Job, run_jobs
from graders.registry import Exercise
from graders.results import CheckResult, ExerciseResult, Report, check_from_dict

# Real seconds a child may stay silent (one check running) before it is killed: pytest-timeout
# stops a hanging check first; this stops code that survives pytest-timeout.
SILENCE_LIMIT = worker.CHECK_TIMEOUT + 5


def check_specs(exercise: Exercise) -> list[CheckSpec]:
    return specs(importlib.import_module(exercise.checks_module))


@dataclass
class _Grading:
    """One (submission, exercise) being graded, possibly over several children."""

    name: str
    exercise: Exercise
    specs: list[CheckSpec]
    folder: Path
    results: dict[str, CheckResult] = field(default_factory=dict)
    key: bytes = b""
    rejected: int = 0

    def job(self) -> Job:
        todo = [spec.function for spec in self.specs if spec.name not in self.results]
        exercise, folder = self.exercise, self.folder
        key = self.key = secrets.token_bytes(32)

        def target(fd: int) -> object:
            return worker.run_checks(exercise, folder, fd, todo, key)

        return Job(key=(self.name, exercise.number), target=target, time_limit=SILENCE_LIMIT)

    def take(self, ended: Ended) -> list[Job]:
        """Keep what the child sent; blame the check it stopped in; go on with the rest."""
        verified, self.rejected = _verify(ended.lines, worker.signer(self.key))
        for result in _parse(verified):
            spec = next((spec for spec in self.specs if spec.name == result.name), None)
            if spec is not None and result.name not in self.results:
                self.results[result.name] = _trusted(result, spec, self.rejected)
        missing = [spec for spec in self.specs if spec.name not in self.results]
        if not missing:
            return []
        self.results[missing[0].name] = _stopped(missing[0], ended, self.rejected)
        return [self.job()] if len(missing) > 1 else []

    def result(self) -> ExerciseResult:
        exercise, path = self.exercise, self.folder / self.exercise.file_name
        return ExerciseResult(exercise.number, exercise.slug, exercise.title, exercise.file_name,
                              [self.results[spec.name] for spec in self.specs],
                              str(path), def_lines(path, exercise.functions))


def grade(
    selection: list[Exercise],
    solutions: Path,
    *,
    parallel: int | None = None,
    on_done: Callable[[ExerciseResult], None] | None = None,
) -> Report:
    """Grade `selection` against the exercise modules in `solutions`."""
    done = (lambda _name, result: on_done(result)) if on_done else None
    return grade_many({"": solutions}, selection, parallel=parallel, on_done=done)[""]


def grade_many(
    submissions: dict[str, Path],
    selection: list[Exercise],
    *,
    parallel: int | None = None,
    on_done: Callable[[str, ExerciseResult], None] | None = None,
) -> dict[str, Report]:
    """Grade several folders of exercise modules at once; one child per (folder, exercise)."""
    started = time.monotonic()
    exercise_specs = {exercise.number: check_specs(exercise) for exercise in selection}
    gradings = {
        (name, exercise.number): _Grading(name, exercise, exercise_specs[exercise.number], folder)
        for name, folder in submissions.items() for exercise in selection
    }

    def collect(ended: Ended) -> list[Job]:
        grading = gradings[ended.key]  # type: ignore[index]
        follow_up = grading.take(ended)
        if not follow_up and on_done:
            on_done(grading.name, grading.result())
        return follow_up

    run_jobs([grading.job() for grading in gradings.values()], parallel or os.cpu_count() or 1,
             collect)
    seconds = time.monotonic() - started
    return {
        name: Report([gradings[name, ex.number].result() for ex in selection], str(folder), seconds)
        for name, folder in submissions.items()
    }


def _parse(lines: list[bytes]) -> list[CheckResult]:
    parsed = []
    for line in lines:
        try:
            parsed.append(check_from_dict(json.loads(line)))
        except (ValueError, KeyError, TypeError):
            continue
    return parsed


def _verify(lines: list[bytes], sign: Callable[[bytes], bytes]) -> tuple[list[bytes], int]:
    """The lines signed with the job's key, and how many others came."""
    verified = []
    for line in lines:
        data, _, signature = line.rpartition(b"\t")
        if data and hmac.compare_digest(sign(data), signature):
            verified.append(data)
    return verified, len(lines) - len(verified)


def _trusted(result: CheckResult, spec: CheckSpec, rejected: int) -> CheckResult:
    # The child's word for points is not trusted: they come from the checks module.
    result.title, result.max_score = spec.title, spec.points
    if rejected:
        result.status, result.message = "failed", _forged(rejected)
    result.score = spec.points if result.status == "passed" else 0
    return result


def _forged(rejected: int) -> str:
    return (f"Grading received {rejected} result line(s) it did not send: your code writes to "
            f"the grader's channel. No check can pass while it does that.")


def _stopped(spec: CheckSpec, ended: Ended, rejected: int) -> CheckResult:
    result = CheckResult(spec.name, spec.title, "error", 0, spec.points)
    if rejected:
        result.status = "failed"
        result.message = _forged(rejected)
    elif ended.killed_after is not None:
        result.status = "timeout"
        result.message = (f"Grading stopped this check: {ended.describe()} without a result. "
                          f"Your code hangs and did not stop when interrupted - does it catch "
                          f"BaseException (or CancelledError) and carry on?")
    else:
        result.message = (f"Grading stopped during this check: {ended.describe()}. Your code may "
                          f"have called os._exit(), crashed the interpreter or run out of memory.")
    return result
