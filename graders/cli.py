"""The `grade` command."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from graders import __version__
from graders.registry import KIT_ROOT, Exercise, by_number, exercises
from graders.render import RENDERERS
from graders.results import Report


def resolve_solutions(value: str | None) -> Path:
    """`reference`, a folder, or (by default) the kit's `exercises/`."""
    if value is None:
        return KIT_ROOT / "exercises"
    if value == "reference":
        return KIT_ROOT / "reference"
    path = Path(value).expanduser()
    if not path.is_dir():
        raise click.UsageError(f"--solutions: no folder {value}")
    return path.resolve()


def use_color(output: str | None) -> bool:
    if output is not None or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def grading_options(command):  # type: ignore[no-untyped-def]
    command = click.option("--output", "-o", metavar="FILE",
                           help="Write the report to FILE instead of the terminal.")(command)
    command = click.option("--format", "-f", "fmt", type=click.Choice(sorted(RENDERERS)),
                           default="text", show_default=True,
                           help="Report format.")(command)
    command = click.option("--solutions", "-s", metavar="PATH|reference",
                           help="Grade this folder of exercise modules instead of exercises/; "
                                "'reference' is the kit's reference solutions.")(command)
    return command


def run_and_report(selection: list[Exercise], solutions: str | None, fmt: str,
                   output: str | None) -> None:
    from graders.runner import grade  # imports the grading stack: keep `--help` fast

    folder = resolve_solutions(solutions)
    report: Report = grade(selection, folder)
    text = RENDERERS[fmt](report, use_color(output))
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as error:
            raise click.UsageError(f"--output: cannot write {output}: {error.strerror}") from None
    else:
        click.echo(text, nl=False)
    sys.exit(0 if report.passed else 1)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="grade")
def cli() -> None:
    """Grade the asyncio exercises: every check, its points and what your code did."""


@cli.command("exercise")
@click.argument("number", type=int)
@grading_options
def exercise_command(number: int, solutions: str | None, fmt: str, output: str | None) -> None:
    """Grade exercise NUMBER, for example: grade exercise 3"""
    try:
        selected = by_number(number)
    except LookupError as error:
        raise click.UsageError(str(error)) from None
    run_and_report([selected], solutions, fmt, output)


@cli.command("all")
@grading_options
def all_command(solutions: str | None, fmt: str, output: str | None) -> None:
    """Grade every exercise."""
    run_and_report(list(exercises()), solutions, fmt, output)


# Other commands live in graders/commands/, one module each, and are registered here.
# (one import + one add_command line per command module)
from graders.commands.verify import verify_command  # noqa: E402

cli.add_command(verify_command)


def main(argv: list[str] | None = None) -> None:
    """Entry point: usage errors become one line on stderr and exit status 2."""
    try:
        returned = cli.main(args=argv, prog_name="grade", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("grade: aborted", err=True)
        sys.exit(130)
    except click.ClickException as error:
        click.echo(f"grade: error: {error.format_message()}", err=True)
        sys.exit(2)
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    sys.exit(returned if isinstance(returned, int) else 0)
