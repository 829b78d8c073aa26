"""Text for a person at a terminal: each check with ✓/✗, points and the message."""

from __future__ import annotations

import textwrap

import click

from graders.results import CheckResult, ExerciseResult, Report

MARKS = {"passed": ("✓", "green"), "failed": ("✗", "red"), "error": ("!", "red"),
         "timeout": ("⏱", "red")}
WIDTH = 88


def _points(value: float) -> str:
    return f"{value:g}"


def render(report: Report, color: bool = False) -> str:
    style = click.style if color else (lambda text, **_: text)
    blocks = [_exercise(exercise, style) for exercise in report.exercises]
    passed = sum(check.passed for ex in report.exercises for check in ex.checks)
    total = sum(len(ex.checks) for ex in report.exercises)
    summary = (f"Total: {_points(report.score)}/{_points(report.max_score)} points, "
               f"{passed} of {total} checks passed")
    colour = "green" if report.passed else "yellow"
    return "\n".join(blocks + [style(summary, bold=True, fg=colour)]) + "\n"


def _exercise(exercise: ExerciseResult, style) -> str:  # type: ignore[no-untyped-def]
    heading = f"Exercise {exercise.number}: {exercise.title}  ({exercise.file})"
    lines = [style(heading, bold=True)]
    lines += [line for check in exercise.checks for line in _check(check, style)]
    lines.append(f"  Score: {_points(exercise.score)}/{_points(exercise.max_score)}")
    return "\n".join(lines) + "\n"


def _check(check: CheckResult, style) -> list[str]:  # type: ignore[no-untyped-def]
    mark, colour = MARKS[check.status]
    score = f"{_points(check.score)}/{_points(check.max_score)}"
    title = check.title if len(check.title) < WIDTH - 16 else check.title[: WIDTH - 19] + "..."
    label = f"  {mark} {title}"
    lines = [style(label.ljust(WIDTH - 8), fg=colour) + score.rjust(8)]
    if check.message and not check.passed:
        lines += textwrap.wrap(check.message, WIDTH - 6, initial_indent="      ",
                               subsequent_indent="      ")
    return lines
