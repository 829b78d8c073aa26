"""`grade hint N [--level K]`: hints in steps, each more specific than the last.

The hints are `HINTS` in the exercise's checks module, read with `ast` (nothing is imported, so
this is fast). Without --level the next hint not yet shown is given; `.grade/hints.json`
remembers how far the student has gone.
"""

from __future__ import annotations

import ast
import textwrap

import click

from graders import student_progress
from graders.registry import Exercise, by_number

WIDTH = 88


@click.command("hint")
@click.argument("number", type=int)
@click.option("--level", "-l", type=int, metavar="K",
              help="Show hint K (1 is the gentlest). Default: the next one you have not seen.")
def hint_command(number: int, level: int | None) -> None:
    """A hint for exercise NUMBER, one step more specific each time you ask."""
    try:
        exercise = by_number(number)
    except LookupError as error:
        raise click.UsageError(str(error)) from None
    hints = load_hints(exercise)
    if not hints:
        raise click.ClickException(f"exercise {number} has no hints yet")
    seen = student_progress.hints_shown(number)
    if level is None:
        level = min(seen + 1, len(hints))
    elif not 1 <= level <= len(hints):
        raise click.UsageError(f"exercise {number} has {len(hints)} hints: --level must be "
                               f"1 to {len(hints)}")
    problem = student_progress.remember_hint(number, level)
    click.echo(show(exercise, hints, level, all_seen=seen >= len(hints)))
    if problem:
        click.echo(f"grade: warning: {problem}", err=True)


def load_hints(exercise: Exercise) -> tuple[str, ...]:
    """The strings of `HINTS = (...)` in the exercise's checks module."""
    try:
        tree = ast.parse(exercise.checks_path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return ()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(target, ast.Name) and target.id == "HINTS" for target in node.targets):
            try:
                value = ast.literal_eval(node.value)
            except ValueError:
                return ()
            return tuple(hint for hint in value if isinstance(hint, str))
    return ()


def show(exercise: Exercise, hints: tuple[str, ...], level: int, all_seen: bool) -> str:
    number = exercise.number
    lines = [f"Exercise {number}, hint {level} of {len(hints)}:", ""]
    lines += textwrap.wrap(hints[level - 1], WIDTH - 2, initial_indent="  ", subsequent_indent="  ")
    lines.append("")
    if level < len(hints):
        lines.append(f"More specific: grade hint {number}")
    else:
        again = " (--level 1 shows the first again)" if all_seen else ""
        path = student_progress.relative(student_progress.EXERCISES_DIR / exercise.file_name)
        lines.append(f"That is the last hint{again}. Each failed check of `grade exercise {number}` "
                     f"says what your code did; the lesson is the docstring of {path}.")
    return "\n".join(lines)
