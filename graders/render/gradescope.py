"""Gradescope's results.json: the total, then one test per check numbered "exercise.check".

Fields as Gradescope's autograder specification names them: top-level `score`,
`execution_time` (seconds), `output`; each test `name`, `number`, `score`, `max_score`,
`status` ("passed"/"failed"), `output`, `visibility`, `tags`. A failed check's cause (its id,
name and lesson sentence) ends its output, and its id is a tag `cause:ID`.
"""

from __future__ import annotations

import json
import math
from typing import Any

from graders.results import CheckResult, ExerciseResult, Report

VISIBILITY = "visible"


def render(report: Report, color: bool = False) -> str:
    return json.dumps(results(report), indent=2, ensure_ascii=False) + "\n"


def results(report: Report) -> dict[str, Any]:
    return {
        "score": report.score,
        "execution_time": math.ceil(report.seconds),
        "output": _overview(report),
        "visibility": VISIBILITY,
        "tests": [_test(exercise, index, check)
                  for exercise in report.exercises
                  for index, check in enumerate(exercise.checks, start=1)],
    }


def _overview(report: Report) -> str:
    checks = [check for exercise in report.exercises for check in exercise.checks]
    lines = [f"Total: {report.score:g}/{report.max_score:g} points, "
             f"{sum(check.passed for check in checks)} of {len(checks)} checks passed"]
    lines += [f"Exercise {exercise.number}: {exercise.title}: "
              f"{exercise.score:g}/{exercise.max_score:g}" for exercise in report.exercises]
    return "\n".join(lines)


def _test(exercise: ExerciseResult, index: int, check: CheckResult) -> dict[str, Any]:
    return {
        "name": f"Exercise {exercise.number}: {check.title}",
        "number": f"{exercise.number}.{index}",
        "score": check.score,
        "max_score": check.max_score,
        "status": "passed" if check.passed else "failed",
        "output": _output(check),
        "visibility": VISIBILITY,
        "tags": [exercise.file.removesuffix(".py"),
                 *([f"cause:{check.cause.id}"] if check.cause and not check.passed else [])],
    }


def _output(check: CheckResult) -> str:
    if check.passed:
        return ""
    where = check.location
    text = check.message + (f"\nSee {where.file}, line {where.line}." if where else "")
    return text + _cause(check)


def _cause(check: CheckResult) -> str:
    cause = check.cause
    if cause is None or cause.kind != "mistake":
        return ""
    lesson = f" - the lesson: \"{cause.lesson}\"" if cause.lesson else ""
    return f"\nCause: {cause.name} ({cause.id}){lesson}"
