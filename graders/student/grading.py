"""Grading from the command line: `grade exercise N` and `grade all`, and the options, reports
and exit status they share (the engine grades; a renderer writes; this module only wires them)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path

import click

from graders.registry import EXERCISES_DIR, KIT_ROOT, Exercise, by_number, exercises
from graders.render import RENDERERS
from graders.results import Report
from graders.student import progress as student_progress


def resolve_solutions(value: str | None) -> Path:
    """A folder, or (by default) the kit's `exercises/`. In the kit, `reference` also means its
    reference solutions from any folder (a student copy has none: there it is just a path)."""
    if value is None:
        if not EXERCISES_DIR.is_dir():
            raise click.UsageError(f"no exercises/ folder at {EXERCISES_DIR}: restore it (git checkout "
                                   f"exercises) or pass --solutions PATH")
        return EXERCISES_DIR
    if value == "reference" and (KIT_ROOT / "reference").is_dir():
        return KIT_ROOT / "reference"
    path = Path(value).expanduser()
    if not path.is_dir():
        raise click.UsageError(f"--solutions: no folder {value}")
    return path.resolve()


def use_color(output: str | None) -> bool:
    if output is not None or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


REPORTS = "grade.reports"  # where --report keeps its (format, file) pairs: ctx.meta


def remember_reports(ctx: click.Context, _param: click.Parameter,
                     values: tuple[str, ...]) -> None:
    pairs = [value.partition("=") for value in values]
    for value, (fmt, sep, path) in zip(values, pairs, strict=True):
        if not (sep and path and fmt in RENDERERS):
            raise click.BadParameter(f"{value!r} is not FORMAT=FILE with FORMAT one of "
                                     f"{', '.join(sorted(RENDERERS))}", ctx, _param)
    ctx.meta[REPORTS] = [(fmt, path) for fmt, _, path in pairs]


TIMELINE = "grade.timeline"  # where --timeline is kept: ctx.meta


def remember_timeline(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    ctx.meta[TIMELINE] = value


SEED = "grade.seed"  # where --seed is kept: ctx.meta


def remember_seed(ctx: click.Context, _param: click.Parameter, value: int | None) -> None:
    ctx.meta[SEED] = value


VERBOSE = "grade.verbose"  # where --verbose is kept: ctx.meta


def remember_verbose(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    ctx.meta[VERBOSE] = value


def renderer(fmt: str) -> Callable[[Report, bool], str]:
    """RENDERERS[fmt]; with --timeline, text that draws every measured timeline; with
    --verbose, text that shows what the code printed under every check."""
    meta = click.get_current_context().meta
    timelines, prints = bool(meta.get(TIMELINE)), bool(meta.get(VERBOSE))
    if not (timelines or prints):
        return RENDERERS[fmt]
    if fmt != "text" and timelines:
        raise click.UsageError("--timeline draws in the text format only (json holds each "
                               "check's timeline in its details)")
    if fmt != "text":
        raise click.UsageError("--verbose is for the text format only (what the code printed is "
                               "never part of a machine report)")
    from graders.render.text import render

    return lambda report, color: render(report, color, timelines=timelines, prints=prints)


def grading_options(command):  # type: ignore[no-untyped-def]
    command = click.option("--seed", type=click.IntRange(min=0), metavar="N", expose_value=False,
                           callback=remember_seed,
                           help="Draw the checks' random data from N instead of from each file's "
                                "contents: the seed a JSON report records replays that grading."
                           )(command)
    command = click.option("--verbose", "-v", is_flag=True, expose_value=False,
                           callback=remember_verbose,
                           help="Show what your code printed under every check, passing ones "
                                "too (a failed one always shows it).")(command)
    command = click.option("--timeline", is_flag=True, expose_value=False,
                           callback=remember_timeline,
                           help="Draw what ran when for every check that measured it, passing "
                                "ones too (a failed one always shows it).")(command)
    command = click.option("--report", "-r", metavar="FORMAT=FILE", multiple=True,
                           expose_value=False, callback=remember_reports,
                           help="Also write the report in FORMAT to FILE (repeatable): one "
                                "grading, several formats.")(command)
    command = click.option("--output", "-o", metavar="FILE",
                           help="Write the report to FILE instead of the terminal.")(command)
    command = click.option("--format", "-f", "fmt", type=click.Choice(sorted(RENDERERS)),
                           default="text", show_default=True,
                           help="Report format.")(command)
    command = click.option("--solutions", "-s", metavar="PATH",
                           help="Grade the exercise files in PATH, a folder of solutions, instead "
                                "of exercises/.")(command)
    return command


def run_and_report(selection: list[Exercise], solutions: str | None, fmt: str,
                   output: str | None) -> None:
    from graders.engine.runner import grade  # imports the grading stack: keep `--help` fast

    folder = resolve_solutions(solutions)
    render = renderer(fmt)
    seen = student_progress.snapshot(selection, folder)  # the student's files, for `grade list`
    report: Report = grade(selection, folder, seed=click.get_current_context().meta.get(SEED))
    if problem := student_progress.remember(report, seen):
        click.echo(f"grade: warning: {problem}", err=True)
    text = render(report, use_color(output))
    for extra, path in click.get_current_context().meta.get(REPORTS, []):
        write_report(path, RENDERERS[extra](report, False), "--report")
    if output:
        write_report(output, text, "--output")
    else:
        click.echo(text, nl=False)
    if fmt == "github":
        append_step_summary(report)
    sys.exit(0 if report.passed else 1)


def write_report(path: str, text: str, option: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as error:
        raise click.UsageError(f"{option}: cannot write {path}: {error.strerror}") from None


def append_step_summary(report: Report) -> None:
    """In GitHub Actions (`--format github`), the table of checks goes to the job's summary."""
    from graders.render.github import summary

    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    try:
        with open(target, "a", encoding="utf-8") as step_summary:
            step_summary.write(summary(report))
    except OSError as error:
        click.echo(f"grade: warning: cannot append to $GITHUB_STEP_SUMMARY: {error.strerror}",
                   err=True)


@click.command("exercise")
@click.argument("number", type=int)
@grading_options
def exercise_command(number: int, solutions: str | None, fmt: str, output: str | None) -> None:
    """Grade exercise NUMBER, for example: grade exercise 3"""
    try:
        selected = by_number(number)
    except LookupError as error:
        raise click.UsageError(str(error)) from None
    run_and_report([selected], solutions, fmt, output)


@click.command("all")
@grading_options
def all_command(solutions: str | None, fmt: str, output: str | None) -> None:
    """Grade every exercise."""
    run_and_report(list(exercises()), solutions, fmt, output)
