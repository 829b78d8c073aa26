"""`grade hint [N] [--level K]`: hints in steps, each more specific than the last.

The hints are `HINTS` in the exercise's checks module, read with `ast` (nothing is imported, so
this is fast). Without N, the exercise is the one the student is on (`student_progress.current`:
the one last graded, while it does not pass, else the one `grade` alone points to). Without
--level the next hint not yet shown is given; `.grade/hints.json` remembers which were shown
(hint K counts the gentler ones before it as shown).

HINTS has no map from checks to hints, so the order follows what the hints say: when the last
grading of an exercise with several functions failed, the hints that name the function of its
first failing check come first (in their own order), then the others. Nothing is reordered when no
hint names it, or when the exercise has one function.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass

import click

from graders.registry import Exercise, by_number
from graders.student import progress as student_progress

WIDTH = 88


@dataclass(frozen=True)
class Order:
    """The hints in the order a student should read them: `places` are 1-based places in HINTS."""

    places: tuple[int, ...]
    function: str = ""  # the function whose hints come first ("" when nothing moved)
    check: str = ""  # the title of the failing check that chose it


@click.command("hint")
@click.argument("number", type=int, required=False)
@click.option("--level", "-l", type=int, metavar="K",
              help="Show hint K (1 is the gentlest). Default: the next one you have not seen.")
def hint_command(number: int | None, level: int | None) -> None:
    """A hint for exercise NUMBER (default: the one you are on), one step more specific each
    time you ask."""
    exercise = chosen(number)
    hints = load_hints(exercise)
    if not hints:
        raise click.ClickException(f"exercise {exercise.number} has no hints yet")
    graded = student_progress.last_results().get(exercise.number)
    order = hint_order(exercise, hints, graded.failing if graded else ())
    seen = student_progress.hints_shown(exercise.number)
    if level is None:
        level = next((step for step, place in enumerate(order.places, 1) if place not in seen),
                     len(hints))
    elif not 1 <= level <= len(hints):
        raise click.UsageError(f"exercise {exercise.number} has {len(hints)} hints: --level must "
                               f"be 1 to {len(hints)}")
    # Asking for hint K counts as having read the gentler ones: the next is K + 1.
    problem = student_progress.remember_hint(exercise.number, order.places[:level])
    click.echo(show(exercise, hints, order, level, all_seen=seen >= set(order.places)))
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


def hint_order(exercise: Exercise, hints: tuple[str, ...],
               failing: tuple[tuple[str, str], ...]) -> Order:
    """The hints naming the first failing check's function first; see the module docstring."""
    plain = Order(tuple(range(1, len(hints) + 1)))
    if len(exercise.functions) < 2 or not failing:
        return plain
    name, title = failing[0]
    function = function_of(exercise.functions, name, title)
    if function is None:
        return plain
    about = [place for place in plain.places if mentions(hints[place - 1], function)]
    rest = [place for place in plain.places if place not in about]
    places = tuple(about + rest)
    return plain if not about or places == plain.places else Order(places, function, title)


def function_of(functions: tuple[str, ...], name: str, title: str) -> str | None:
    """The student's function a check is about: the one its name starts with (the longest such),
    else the one its title names first."""
    name = name.removeprefix("test_")
    prefixed = [function for function in functions
                if name == function or name.startswith(f"{function}_")]
    if prefixed:
        return max(prefixed, key=len)
    named = [(found.start(), function) for function in functions
             if (found := _word(function).search(title))]
    return min(named)[1] if named else None


def mentions(hint: str, function: str) -> bool:
    return _word(function).search(hint) is not None


def _word(function: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w.]){re.escape(function)}\b")


def show(exercise: Exercise, hints: tuple[str, ...], order: Order, level: int,
         all_seen: bool) -> str:
    number = exercise.number
    lines = [f"Exercise {number}, hint {level} of {len(hints)}:", ""]
    lines += textwrap.wrap(hints[order.places[level - 1] - 1], WIDTH - 2, initial_indent="  ",
                           subsequent_indent="  ")
    lines.append("")
    if order.function:
        lines += textwrap.wrap(f"(The hints about {order.function} come first: it is what the first "
                               f"failed check of your last grading tests, \"{order.check}\".)", WIDTH)
    if level < len(hints):
        lines.append(f"More specific: grade hint {number}")
    else:
        again = " (--level 1 shows the first again)" if all_seen else ""
        path = student_progress.relative(student_progress.EXERCISES_DIR / exercise.file_name)
        lines.append(f"That is the last hint{again}. Each failed check of `grade exercise {number}` "
                     f"says what your code did; the lesson is the docstring of {path}.")
    return "\n".join(lines)
