"""`grade verify`: prove every check passes the reference and fails the stubs and known mistakes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from graders.mutants import REFERENCE_ENV
from graders.registry import EXERCISES_DIR, KIT_ROOT, Exercise, by_number, exercises

if TYPE_CHECKING:  # graders.verify imports the grading stack: keep `--help` fast
    from graders.verify import ExerciseVerification, Tally, Verification

COLUMNS = ("Exercise", "checks", "reference", "stub", "mutants", "correct", "API", "lesson", "hints")
OK, BAD = "✓", "✗"


def folder(option: str, value: Path, hint: str = "") -> Path:
    if not value.is_dir():
        raise click.UsageError(f"{option}: no folder {value}{hint}")
    return value.resolve()


def selected(numbers: tuple[int, ...]) -> list[Exercise]:
    try:
        return [by_number(number) for number in numbers] if numbers else list(exercises())
    except LookupError as error:
        raise click.UsageError(str(error)) from None


@click.command("verify")
@click.option("--reference", "-r", type=click.Path(path_type=Path), envvar=REFERENCE_ENV,
              default=KIT_ROOT / "reference", show_default="reference/ or $KIT_REFERENCE",
              help="The folder of reference solutions to verify the checks against.")
@click.option("--stubs", type=click.Path(path_type=Path), default=EXERCISES_DIR,
              show_default="exercises/", help="The folder of stubs (the students' starting files).")
@click.option("--exercise", "-e", "numbers", type=int, multiple=True, metavar="N",
              help="Verify only exercise N (repeatable); all exercises by default.")
@click.option("--repeat", "-n", type=click.IntRange(min=1), default=1, show_default=True, metavar="N",
              help="Grade everything N times: a verdict that changes between runs is a flaky check.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Grading processes at a time (default: four per CPU).")
def verify_command(reference: Path, stubs: Path, numbers: tuple[int, ...], repeat: int,
                   jobs: int | None) -> None:
    """Verify the kit: for every exercise the reference gets full marks, the stub gets zero,
    every mutant (tests/mutants) fails the check it names, every correct alternative
    (tests/correct) gets full marks, stub and reference have the same API, and the lesson and
    hints exist. Exits 1 and names each problem if anything is wrong.

    After editing reference/ (or with --reference pointing at your own solutions), run this to
    re-verify in one command.
    """
    from graders.progress import Progress
    from graders.verify import verify

    reference = folder("--reference", reference, f" (an exported copy has no reference/: pass "
                                                 f"--reference PATH or set {REFERENCE_ENV})")
    stubs = folder("--stubs", stubs)
    selection = selected(numbers)
    progress = Progress(len(selection), "verified", "exercises")
    result = verify(selection, stubs, reference, repeat=repeat, parallel=jobs,
                    on_exercise=lambda _: progress.step())
    progress.done()
    click.echo(render(result), nl=False)
    sys.exit(0 if result.passed else 1)


def render(result: Verification) -> str:
    rows = [list(COLUMNS)] + [row(exercise) for exercise in result.exercises]
    widths = [max(len(cells[column]) for cells in rows) for column in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()
             for cells in rows]
    if result.notes:
        lines += ["", *(f"Note: {note}" for note in result.notes)]
    return "\n".join(lines + [""] + problems(result) + [summary(result)]) + "\n"


def row(result: ExerciseVerification) -> list[str]:
    maximum = f"{result.max_score:g}"
    return [
        f"{result.exercise.number} {result.exercise.slug}",
        str(result.checks),
        score(result.reference_score, maximum, lambda value: value == result.max_score > 0),
        score(result.stub_score, maximum, lambda value: value == 0),
        count(result.mutants),
        count(result.correct),
        OK if result.api_ok else BAD,
        OK if result.lesson_ok else BAD,
        f"{OK if result.hints_ok else BAD} {result.hints}",
    ]


def score(value: float | None, maximum: str, good) -> str:  # type: ignore[no-untyped-def]
    if value is None:
        return f"{BAD} -"
    return f"{OK if good(value) else BAD} {value:g}/{maximum}"


def count(tally: Tally) -> str:
    if not tally.total:
        return "-"
    return f"{OK if tally.ok else BAD} {tally.good}/{tally.total}"


def problems(result: Verification) -> list[str]:
    found = [f"  {problem}" for problem in result.problems]
    found += [f"  Exercise {exercise.exercise.number} ({exercise.exercise.module_name}): {problem}"
              for exercise in result.exercises for problem in exercise.problems]
    return ["Problems:", *found, ""] if found else []


def summary(result: Verification) -> str:
    runs = "1 run" if result.repeat == 1 else f"{result.repeat} runs"
    if result.passed:
        mistakes = sum(exercise.mutants.total for exercise in result.exercises)
        return (f"Verified {len(result.exercises)} exercise(s), {runs}: every check passes the "
                f"reference and fails the stub" + (f" and each of {mistakes} known mistakes."
                                                   if mistakes else "; no known mistakes were checked."))
    failing = [f"{exercise.exercise.number} ({exercise.exercise.slug})"
               for exercise in result.exercises if not exercise.passed]
    total = len(result.problems) + sum(len(exercise.problems) for exercise in result.exercises)
    where = f" in exercise(s) {', '.join(failing)}" if failing else ""
    return f"{total} problem(s){where} ({runs}): see above."
