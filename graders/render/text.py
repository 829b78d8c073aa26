"""Text for a person at a terminal: each check with ✓/✗, points, the message, the line it points
at and, for checks that measured what ran when, a timeline (always for a failed check; for every
check with `timelines=True`, i.e. `grade --timeline`)."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import click

from graders.render import timeline
from graders.results import CheckResult, ExerciseResult, Location, Report

MARKS = {"passed": ("✓", "green"), "failed": ("✗", "red"), "error": ("!", "red"),
         "timeout": ("⏱", "red")}
WIDTH = 88


def _points(value: float) -> str:
    return f"{value:g}"


def render(report: Report, color: bool = False, timelines: bool = False) -> str:
    style = click.style if color else (lambda text, **_: text)
    blocks = [_exercise(exercise, style, report.solutions, timelines) for exercise in report.exercises]
    passed = sum(check.passed for ex in report.exercises for check in ex.checks)
    total = sum(len(ex.checks) for ex in report.exercises)
    summary = (f"Total: {_points(report.score)}/{_points(report.max_score)} points, "
               f"{passed} of {total} checks passed")
    colour = "green" if report.passed else "yellow"
    return "\n".join(blocks + [style(summary, bold=True, fg=colour)]) + "\n"


def _exercise(exercise: ExerciseResult, style, folder: str,  # type: ignore[no-untyped-def]
              timelines: bool) -> str:
    heading = f"Exercise {exercise.number}: {exercise.title}  ({exercise.file})"
    lines = [style(heading, bold=True)]
    for check in exercise.checks:
        lines += _check(check, style)
        if check.location and not check.passed:
            lines.append(style(f"      at {_where(check.location, folder)}", dim=True))
        if timelines or not check.passed:
            lines += ["      " + line for line in timeline.draw(check.details.get("timeline", ()), 36)]
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


def _where(location: Location, folder: str) -> str:
    """`exercises/ex03_fetch.py:17`: the student's file as seen from here, and the line."""
    path = Path(folder, location.file) if folder else Path(location.file)
    try:
        shown = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        shown = str(path)
    if shown.startswith(".."):
        shown = str(path)
    return f"{shown}:{location.line}"
