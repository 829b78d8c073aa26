"""Grade a selection of exercises: each runs in an isolated child, results become a Report."""

from __future__ import annotations

import importlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from graders import worker
from graders.check import CheckSpec, specs
from graders.isolation import Ended, Job, run_jobs
from graders.registry import Exercise
from graders.results import CheckResult, ExerciseResult, Report, check_from_dict

# Real seconds of slack for a child's start-up and teardown on top of the per-check limits.
STARTUP_ALLOWANCE = 30


def check_specs(exercise: Exercise) -> list[CheckSpec]:
    return specs(importlib.import_module(exercise.checks_module))


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
    planned = {exercise.number: (exercise, check_specs(exercise)) for exercise in selection}
    finished: dict[tuple[str, int], ExerciseResult] = {}

    def collect(ended: Ended) -> None:
        name, number = ended.key  # type: ignore[misc]
        exercise, exercise_specs = planned[number]
        result = assemble(exercise, exercise_specs, ended)
        finished[name, number] = result
        if on_done:
            on_done(name, result)

    jobs = [_job((name, exercise.number), exercise, exercise_specs, folder)
            for name, folder in submissions.items()
            for exercise, exercise_specs in planned.values()]
    run_jobs(jobs, parallel or os.cpu_count() or 1, collect)
    seconds = time.monotonic() - started
    return {
        name: Report([finished[name, exercise.number] for exercise in selection], str(folder), seconds)
        for name, folder in submissions.items()
    }


def _job(key: tuple[str, int], exercise: Exercise, exercise_specs: list[CheckSpec],
         solutions: Path) -> Job:
    def target(fd: int) -> object:
        return worker.run_checks(exercise, solutions, fd)

    limit = worker.CHECK_TIMEOUT * max(1, len(exercise_specs)) + STARTUP_ALLOWANCE
    return Job(key=key, target=target, time_limit=limit)


def assemble(exercise: Exercise, exercise_specs: list[CheckSpec], ended: Ended) -> ExerciseResult:
    """Match what the child sent to the checks it should have run; fill in what is missing."""
    received = _parse(ended.lines)
    checks: list[CheckResult] = []
    interrupted: str | None = None
    for spec in exercise_specs:
        result = received.get(spec.name)
        if result is None:
            result = _missing(spec, ended, interrupted)
            interrupted = interrupted or spec.title
        else:  # the child's word for points is not trusted: they come from the checks module
            result.max_score = spec.points
            result.score = spec.points if result.status == "passed" else 0
            result.title = spec.title
        checks.append(result)
    return ExerciseResult(exercise.number, exercise.slug, exercise.title, exercise.file_name, checks)


def _parse(lines: list[bytes]) -> dict[str, CheckResult]:
    received: dict[str, CheckResult] = {}
    for line in lines:
        try:
            result = check_from_dict(json.loads(line))
        except (ValueError, KeyError, TypeError):
            continue
        received.setdefault(result.name, result)
    return received


def _missing(spec: CheckSpec, ended: Ended, interrupted: str | None) -> CheckResult:
    result = CheckResult(spec.name, spec.title, "error", 0, spec.points)
    if interrupted is not None:
        result.message = f"Not run: grading stopped during the check '{interrupted}'."
    elif ended.killed_after is not None:
        result.status = "timeout"
        result.message = (f"Grading stopped during this check: {ended.describe()}. Your code "
                          f"hangs and did not stop when interrupted - does it catch "
                          f"BaseException or CancelledError and carry on?")
    else:
        result.message = (f"Grading stopped during this check: {ended.describe()}. Your code may "
                          f"have called os._exit(), crashed the interpreter or run out of memory.")
    return result
