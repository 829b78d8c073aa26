"""`grade hint [N] [--level K]`: hints in steps, each more specific than the last.

The hints are `HINTS` in the exercise's checks module, each tied to the checks it is about
(graders/hints.py says how); they and the checks are read with `ast` (nothing is imported, so this
is fast). Without N, the exercise is the one the student is on (`student_progress.current`: the one
last graded, while it does not pass, else the one `grade` alone points to). Without --level the
next hint not yet shown is given; `.grade/hints.json` remembers which were shown (hint K counts
the gentler ones before it as shown).

The hints follow the checks. When the last grading of the exercise failed, they are the hints
of its failed checks, the first failed check's first, and none about a check that passed; else
(nothing graded yet, or everything passed) every hint, the first check's first.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import click

from graders.hints import Checked, Declared, Hint, about, declared
from graders.registry import Exercise, by_number
from graders.student import progress as student_progress

WIDTH = 88


@dataclass(frozen=True)
class Order:
    """The hints in the order a student should read them, each with the check it is shown for."""

    hints: tuple[Hint, ...]
    checks: tuple[Checked | None, ...]  # None: a hint about no check (the kit's tests forbid it)
    graded: bool = False  # chosen by a grading that failed: only the failed checks' hints
    left_out: int = 0  # hints about checks that passed in that grading

    @property
    def places(self) -> tuple[int, ...]:
        return tuple(hint.place for hint in self.hints)


@click.command("hint")
@click.argument("number", type=int, required=False)
@click.option("--level", "-l", type=int, metavar="K",
              help="Show hint K (1 is the gentlest). Default: the next one you have not seen.")
def hint_command(number: int | None, level: int | None) -> None:
    """A hint for exercise NUMBER (default: the one you are on), one step more specific each
    time you ask."""
    exercise = chosen(number)
    found = declared(exercise.checks_path)
    if not found.hints:
        raise click.ClickException(f"exercise {exercise.number} has no hints yet")
    graded = student_progress.last_results().get(exercise.number)
    order = hint_order(exercise, found, graded.failing if graded else ())
    count = len(order.hints)
    seen = student_progress.hints_shown(exercise.number)
    if level is None:
        level = next((step for step, place in enumerate(order.places, 1) if place not in seen),
                     count)
    elif not 1 <= level <= count:
        which = " for the checks that failed" if order.graded else ""
        raise click.UsageError(f"exercise {exercise.number} has {count} hints{which}: --level "
                               f"must be 1 to {count}")
    # Asking for hint K counts as having read the gentler ones: the next is K + 1.
    problem = student_progress.remember_hint(exercise.number, order.places[:level])
    click.echo(show(exercise, order, level, all_seen=seen >= set(order.places)))
    if problem:
        click.echo(f"grade: warning: {problem}", err=True)


def chosen(number: int | None) -> Exercise:
    """Exercise `number`, or the one the student is on."""
    if number is None:
        on = student_progress.current(student_progress.overview())
        if on is None:
            raise click.UsageError("every exercise passes: `grade hint N` gives the hints of "
                                   "exercise N")
        return on.exercise
    try:
        return by_number(number)
    except LookupError as error:
        raise click.UsageError(str(error)) from None


def load_hints(exercise: Exercise) -> tuple[Hint, ...]:
    """Every hint of the exercise, in the order HINTS lists them."""
    return declared(exercise.checks_path).hints


def hint_order(exercise: Exercise, found: Declared, failing: tuple[tuple[str, str], ...]) -> Order:
    """The failed checks' hints when the last grading failed, else all; see the module docstring."""
    # The failed checks in the order the grading reported them (the order they ran in).
    known = {check.name: check for check in found.checks}
    chosen_checks = [known[name] for name in dict.fromkeys(name for name, _title in failing)
                     if name in known]
    graded = bool(chosen_checks)
    hints: list[Hint] = []
    checks: list[Checked | None] = []
    for check in chosen_checks if graded else found.checks:
        for hint in about(check.name, found.hints, exercise.functions):
            if hint not in hints:
                hints.append(hint)
                checks.append(check)
    left = [hint for hint in found.hints if hint not in hints]
    if not graded:  # hints about no check still count, last
        hints += left
        checks += [None] * len(left)
    return Order(tuple(hints), tuple(checks), graded, len(left) if graded else 0)


def show(exercise: Exercise, order: Order, level: int, all_seen: bool) -> str:
    number, count = exercise.number, len(order.hints)
    lines = [f"Exercise {number}, hint {level} of {count}:", ""]
    lines += textwrap.wrap(order.hints[level - 1].text, WIDTH - 2, initial_indent="  ",
                           subsequent_indent="  ")
    lines.append("")
    lines += textwrap.wrap(_about(order, level), WIDTH)
    if level < count:
        lines.append(f"More specific: grade hint {number}")
    else:
        again = " (--level 1 shows the first again)" if all_seen else ""
        path = student_progress.relative(student_progress.EXERCISES_DIR / exercise.file_name)
        lines.append(f"That is the last hint{again}. Each failed check of `grade exercise {number}` "
                     f"says what your code did; the lesson is the docstring of {path}.")
    return "\n".join(lines)


def _about(order: Order, level: int) -> str:
    """Which check hint `level` is shown for, and why."""
    check = order.checks[level - 1]
    if check is None:
        return ""
    if not order.graded:
        return f"(About the check \"{check.title}\".)"
    first = check == order.checks[0]
    which = "the first check that failed" if first else "which failed"
    left = (f" The {order.left_out} hint{'s' if order.left_out != 1 else ''} about checks that "
            f"passed {'are' if order.left_out != 1 else 'is'} left out.") if first and order.left_out else ""
    return f"(About \"{check.title}\", {which} in your last grading.{left})"
