"""Text for a person at a terminal: each check with ✓/✗, points, the message, the line it points
at and, for checks that measured what ran when, a timeline (always for a failed check; for every
check with `timelines=True`, i.e. `grade --timeline`).

Failed checks in a row with the same message and line (a file that does not load fails every
check of its exercise the same way) show it once, after the last of them: "all 7 checks: ...".
A report with a failed check ends with what to do next, and the `grade hint N` that helps."""

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


def render(report: Report, color: bool = False, timelines: bool = False,
           advice: bool = True, prints: bool = False) -> str:
    """The report as text; `advice=False` leaves out the closing "Next: ..." (`grade watch`
    says what to do next its own way). What the student's code printed is shown under each
    failed check, and under every check with `prints`."""
    style = click.style if color else (lambda text, **_: text)
    blocks = [_exercise(exercise, style, report.solutions, timelines, prints)
              for exercise in report.exercises]
    passed = sum(check.passed for ex in report.exercises for check in ex.checks)
    total = sum(len(ex.checks) for ex in report.exercises)
    summary = (f"Total: {_points(report.score)}/{_points(report.max_score)} points, "
               f"{passed} of {total} checks passed")
    colour = "green" if report.passed else "yellow"
    ending = [style(summary, bold=True, fg=colour)]
    if advice and (step := next_step(report)):
        ending.append(step)
    return "\n".join(blocks + ending) + "\n"


def next_step(report: Report) -> str:
    """What to do after a report with a failed check ('' if every check passed)."""
    failing = [exercise for exercise in report.exercises if not exercise.passed]
    if not failing:
        return ""
    number = failing[0].number
    again = f"grade exercise {number}{_solutions_option(report.solutions)}"
    mark = first_mark(failing[0])
    if len(report.exercises) == 1:
        fix = f"Next: fix the first {mark} above"
    else:
        fix = f"Next: exercise {number} is the first that fails; fix its first {mark}"
    return f"{fix}, then run `{again}` again.\nStuck? grade hint {number}"


def first_mark(exercise: ExerciseResult) -> str:
    """The mark of the exercise's first check that did not pass (✗, ⏱ or !), as printed."""
    first = next((check for check in exercise.checks if not check.passed), None)
    return MARKS[first.status][0] if first is not None else MARKS["failed"][0]


def _solutions_option(folder: str) -> str:
    """' --solutions PATH' when `folder` is not the student's own exercises/."""
    from graders.registry import EXERCISES_DIR, relative

    if not folder or Path(folder).resolve() == EXERCISES_DIR.resolve():
        return ""
    return f" --solutions {relative(Path(folder))}"


def _exercise(exercise: ExerciseResult, style, folder: str,  # type: ignore[no-untyped-def]
              timelines: bool, prints: bool = False) -> str:
    heading = f"Exercise {exercise.number}: {exercise.title}  ({exercise.file})"
    lines = [style(heading, bold=True)]
    for run in _runs(exercise.checks):
        for check in run:
            lines += _check(check, style, with_message=len(run) == 1)
        check = run[-1]
        if len(run) > 1:
            whose = (f"all {len(run)} checks" if len(run) == len(exercise.checks)
                     else f"the {len(run)} checks above")
            lines += _wrapped(f"{whose}: {check.message}")
        if check.location and not check.passed:
            lines.append(style(f"      at {_where(check.location, folder)}", dim=True))
        if check.printed and (prints or not check.passed):
            lines += _printed(check.printed, style)
        if timelines or not check.passed:
            lines += ["      " + line for line in timeline.draw(check.details.get("timeline", ()), 36)]
    lines.append(f"  Score: {_points(exercise.score)}/{_points(exercise.max_score)}")
    return "\n".join(lines) + "\n"


def _runs(checks: list[CheckResult]) -> list[list[CheckResult]]:
    """The checks in order; failed ones in a row with the same message and line, and no timeline
    to draw, grouped together; every other check on its own."""
    runs: list[list[CheckResult]] = []
    for check in checks:
        last = runs[-1][-1] if runs else None
        if last and _plain(last) and _plain(check) and (last.message, last.location) == (
                check.message, check.location):
            runs[-1].append(check)
        else:
            runs.append([check])
    return runs


def _plain(check: CheckResult) -> bool:
    """A failed check with a message and nothing drawn or printed under it."""
    return not check.passed and bool(check.message) and not check.printed and not timeline.draw(
        check.details.get("timeline", ()), 36)


# Lines of a check's prints shown in the text report (the result keeps the first 4,000
# characters of them).
PRINTED_LINES = 20


def _printed(printed: str, style) -> list[str]:  # type: ignore[no-untyped-def]
    """What the student's code printed, marked as theirs."""
    lines = printed.rstrip("\n").split("\n")
    shown = [style("      your code printed:", dim=True)]
    shown += [f"      | {line}" for line in lines[:PRINTED_LINES]]
    if len(lines) > PRINTED_LINES:
        shown.append(f"      | ... ({len(lines) - PRINTED_LINES} more lines)")
    return shown


def _check(check: CheckResult, style,  # type: ignore[no-untyped-def]
           with_message: bool = True) -> list[str]:
    mark, colour = MARKS[check.status]
    score = f"{_points(check.score)}/{_points(check.max_score)}"
    # A long title wraps under itself; the points stay on its first line.
    title = textwrap.wrap(check.title, WIDTH - 17) or [""]
    label = f"  {mark} {title[0]}"
    lines = [style(label.ljust(WIDTH - 8), fg=colour) + score.rjust(8)]
    lines += [style(f"    {part}", fg=colour) for part in title[1:]]
    if with_message and check.message and not check.passed:
        lines += _wrapped(check.message)
    return lines


def _wrapped(text: str) -> list[str]:
    return textwrap.wrap(text, WIDTH - 6, initial_indent="      ", subsequent_indent="      ")


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
