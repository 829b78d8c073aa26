"""`grade` alone (or `grade next`): how far the student is and what to do next.

Fast: it grades nothing. Status comes from the last gradings kept in `.grade/` and from reading
the student's files (graders/student/progress.py); it says which command checks the work.
"""

from __future__ import annotations

from collections.abc import Callable

import click

from graders.student import progress as student_progress
from graders.student.progress import Progress

Style = Callable[..., str]


@click.command("next")
def next_command() -> None:
    """Your progress and the next exercise to work on (from your last gradings; grades nothing)."""
    from graders.student.grading import use_color

    style: Style = click.style if use_color(None) else (lambda text, **_: text)
    click.echo(summary(student_progress.overview(), style))


def summary(items: list[Progress], style: Style) -> str:
    done = sum(item.status == "done" for item in items)
    bar = "".join("█" if item.status == "done" else "░" for item in items)
    upcoming = student_progress.current(items)
    if upcoming is None:
        return "\n".join([f"Progress: {style(bar, fg='green')}  all {len(items)} exercises done. "
                          f"Well done!", "`grade all` grades them all again."])
    lines = [f"Progress: {style(bar, fg='green')}  {done} of {len(items)} exercises done "
             f"(from your last gradings)", ""]
    lines += next_block(upcoming, style)
    lines += ["", "Every exercise: grade list    Every command: grade --help"]
    return "\n".join(lines)


def next_block(item: Progress, style: Style) -> list[str]:
    number = item.exercise.number
    heading = f"Next: exercise {number}, {item.exercise.title}"
    rows = [
        ("status", describe(item)),
        ("lesson", f"{student_progress.relative(item.path)} (the docstring at the top)"),
        ("check your work", f"grade exercise {number}"),
        ("stuck?", f"grade hint {number}"),
        ("grade on every save", f"grade watch {number}"),
    ]
    return [style(heading, bold=True)] + [f"  {name:<22}{value}" for name, value in rows]


def describe(item: Progress) -> str:
    """'started: 9/12 when you last graded it, edited since' and the like."""
    if item.status == "missing":
        return (f"missing: there is no {student_progress.relative(item.path)}; "
                f"`git checkout -- {student_progress.relative(item.path)}` brings the stub back")
    if item.status == "not started":
        if item.exercise.broken_stub:
            return "not started: the file is still as it was handed out"
        return "not started: its functions still raise NotImplementedError"
    if item.graded is None:
        return f"{item.status}: not graded yet"
    score = f"{item.graded.score:g}/{item.graded.max_score:g} when you last graded it"
    return f"{item.status}: {score}" + (", edited since" if item.changed else "")
