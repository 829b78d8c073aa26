"""`grade verify`: prove every check passes the reference and fails the stubs and known mistakes."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from graders.instructor.mutants import REFERENCE_ENV
from graders.registry import EXERCISES_DIR, KIT_ROOT, Exercise, by_number, exercises

if TYPE_CHECKING:  # graders.instructor.verification imports the grading stack: keep `--help` fast
    from graders.instructor.mutate import ExerciseMutation, MutationReport
    from graders.instructor.verification import ExerciseVerification, Tally, Verification

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
@click.option("--mutate", is_flag=True,
              help="Instead: mutation testing. Grade small changes to each reference (an await "
                   "removed, gather made sequential, a lock made a no-op, ...); every one not "
                   "listed as equivalent must fail a check.")
@click.option("--sample", type=click.IntRange(min=1), default=None, metavar="K",
              help="With --mutate: grade only K mutants per exercise, the same K every time.")
@click.option("--equivalent", type=click.Path(path_type=Path), default=None,
              show_default="tests/mutants/equivalent.toml",
              help="With --mutate: the reviewed list of mutants the spec cannot tell from the "
                   "reference.")
def verify_command(reference: Path, stubs: Path, numbers: tuple[int, ...], repeat: int,
                   jobs: int | None, mutate: bool, sample: int | None,
                   equivalent: Path | None) -> None:
    """Verify the kit: for every exercise the reference gets full marks, the stub gets zero,
    every mutant (tests/mutants) fails the check it names, every correct alternative
    (tests/correct) gets full marks, stub and reference have the same API, and the lesson and
    hints exist. Exits 1 and names each problem if anything is wrong.

    After editing reference/ (or with --reference pointing at your own solutions), run this to
    re-verify in one command. With --mutate, measure the checks instead: every mutant of the
    reference not listed as equivalent must be killed (exit 0 only then).
    """
    from graders.instructor.progress_bar import Progress
    from graders.instructor.verification import verify

    reference = folder("--reference", reference, f" (an exported copy has no reference/: pass "
                                                 f"--reference PATH or set {REFERENCE_ENV})")
    selection = selected(numbers)
    if mutate:
        ctx = click.get_current_context()
        ignored = [f"--{name}" for name in ("repeat", "stubs")
                   if ctx.get_parameter_source(name) != click.core.ParameterSource.DEFAULT]
        if ignored:
            verb = "do" if len(ignored) > 1 else "does"
            raise click.UsageError(f"{' and '.join(ignored)} {verb} not go with --mutate (it "
                                   f"grades each mutant of the reference once)")
        mutation_command(selection, reference, sample, equivalent, jobs)
    if sample is not None or equivalent is not None:
        raise click.UsageError("--sample and --equivalent go with --mutate")
    stubs = folder("--stubs", stubs)
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


def mutation_command(selection: list[Exercise], reference: Path, sample: int | None,
                     equivalent: Path | None, jobs: int | None) -> None:
    from graders.instructor import mutate
    from graders.instructor.progress_bar import Progress

    progress: list[Progress] = []

    def planned(total: int) -> None:
        progress.append(Progress(total, "graded", "mutants"))

    result = mutate.run(selection, reference, equivalent_file=equivalent or mutate.EQUIVALENT_FILE,
                        count=sample, parallel=jobs, on_planned=planned,
                        on_graded=lambda: progress[0].step())
    if progress:
        progress[0].done()
    click.echo(render_mutation(result), nl=False)
    sys.exit(0 if result.passed else 1)


MUTATION_COLUMNS = ("Exercise", "generated", "equivalent", "graded", "killed", "timed out", "survived")


def render_mutation(result: MutationReport) -> str:
    rows = [list(MUTATION_COLUMNS)] + [mutation_row(exercise) for exercise in result.exercises]
    widths = [max(len(cells[column]) for cells in rows) for column in range(len(MUTATION_COLUMNS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)).rstrip()
             for cells in rows]
    lines.append("")
    for exercise in result.exercises:
        for outcome in exercise.survivors:
            lines += [f"Survived in exercise {exercise.exercise.number} ({exercise.exercise.module_name}): "
                      f"{outcome.mutant.id}",
                      outcome.mutant.diff(exercise.reference, exercise.exercise.file_name).rstrip("\n"), ""]
    found = [f"  {problem}" for problem in result.problems]
    found += [f"  Exercise {exercise.exercise.number} ({exercise.exercise.module_name}): {text}"
              for exercise in result.exercises for text in exercise.problems]
    lines += ["Problems:", *found, ""] if found else []
    lines += [f"Note: exercise {exercise.exercise.number}: {note}"
              for exercise in result.exercises for note in exercise.notes]
    return "\n".join(lines + [mutation_summary(result)]) + "\n"


def mutation_row(result: ExerciseMutation) -> list[str]:
    graded = len(result.outcomes)
    survived = result.count("survived")
    return [f"{result.exercise.number} {result.exercise.slug}", str(result.generated),
            str(len(result.equivalent)), str(graded), str(result.count("killed")),
            str(result.count("timed out")), f"{OK if not survived else BAD} {survived}"]


def mutation_summary(result: MutationReport) -> str:
    graded = sum(len(exercise.outcomes) for exercise in result.exercises)
    survived = sum(len(exercise.survivors) for exercise in result.exercises)
    scope = f"a sample of {result.sampled} per exercise" if result.sampled is not None else "all"
    if result.passed:
        return (f"All {graded} mutants graded ({scope}) were killed or timed out; those listed as "
                f"equivalent were not graded.")
    if survived:
        return (f"{survived} of {graded} mutants graded ({scope}) survived: each is a change the "
                f"checks do not catch. Add a check (and a known mistake in tests/mutants/), or, if the "
                f"spec cannot tell it from the reference, list it with its reason in the equivalent list.")
    return "Mutation testing could not judge every exercise: see the problems above."
