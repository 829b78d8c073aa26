"""`grade list`: every exercise with its number, title, status and last score. Grades nothing."""

from __future__ import annotations

import click

from graders.student import progress as student_progress
from graders.student.next_step import Style
from graders.student.progress import Progress

COLOURS = {"done": "green", "started": "yellow", "not started": None, "missing": "red"}


@click.command("list")
def list_command() -> None:
    """Every exercise: number, title, status (done, started, not started, missing) and last
    score."""
    from graders.student.grading import use_color

    style: Style = click.style if use_color(None) else (lambda text, **_: text)
    click.echo(table(student_progress.overview(), style))


def table(items: list[Progress], style: Style) -> str:
    width = max((len(item.exercise.title) for item in items), default=10)
    lines = [f"{'#':>3}  {'Exercise':<{width}}  {'Status':<12}{'Score':>8}"]
    lines += [_row(item, width, style) for item in items]
    done = sum(item.status == "done" for item in items)
    lines += ["", f"{done} of {len(items)} done. Each score is from the last time you graded that "
                  f"exercise (none until you have started it); `grade exercise N` grades it again."]
    if any(item.changed and item.status not in ("not started", "missing") for item in items):
        lines.append("* edited since that grading.")
    return "\n".join(lines)


def _row(item: Progress, width: int, style: Style) -> str:
    status = style(f"{item.status:<12}", fg=COLOURS[item.status])
    # A file as handed out has no score of the student's, even if it was graded.
    graded = item.graded if item.status not in ("not started", "missing") else None
    score = "-" if graded is None else f"{graded.score:g}/{graded.max_score:g}"
    mark = " *" if item.changed and graded else ""
    return f"{item.exercise.number:>3}  {item.exercise.title:<{width}}  {status}{score:>8}{mark}"
