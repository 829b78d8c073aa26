"""The `grade` command: every subcommand is registered here, and nowhere else.

A command's module is imported only when that command runs (or `--help` lists it), so grading one
exercise does not import the instructor's tools. The instructor's commands live in
`graders/instructor/`, which `grade export` leaves out of a student's copy: there `grade --help`
lists the student's commands alone.
"""

from __future__ import annotations

import difflib
import gc
import importlib
import shlex
import sys
from pathlib import Path

import click

from graders import __version__
from graders.registry import by_number

# name -> "module:attribute" of the click command. The student's commands come first: a mistyped
# command is matched to one of them before an instructor's.
STUDENT_COMMANDS = {
    "exercise": "graders.student.grading:exercise_command",
    "all": "graders.student.grading:all_command",
    "hint": "graders.student.hint:hint_command",
    "watch": "graders.student.watch:watch_command",
    "list": "graders.student.listing:list_command",
    "next": "graders.student.next_step:next_command",
}
INSTRUCTOR_COMMANDS = {
    "verify": "graders.instructor.verify:verify_command",
    "export": "graders.instructor.export:export_command",
    "batch": "graders.instructor.batch:batch_command",
    "merge": "graders.instructor.batch:merge_command",
    "gradescope-bundle": "graders.instructor.gradescope:gradescope_bundle",
}
TAKES_A_NUMBER = ("exercise", "hint", "watch")


def registered() -> dict[str, str]:
    """Every command this copy of the kit has: the instructor's only where their package is."""
    if not (Path(__file__).parent / "instructor" / "__init__.py").is_file():
        return dict(STUDENT_COMMANDS)
    return {**STUDENT_COMMANDS, **INSTRUCTOR_COMMANDS}


def load(target: str) -> click.Command:
    module, _, attribute = target.partition(":")
    command = getattr(importlib.import_module(module), attribute)
    assert isinstance(command, click.Command), target
    return command


class GradeGroup(click.Group):
    """`grade`: loads a command when it is used, and answers a command it does not know with the
    one that was probably meant: `grade 3` -> `grade exercise 3`, `grade hnt` -> `grade hint`."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(registered())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = registered().get(cmd_name)
        return load(target) if target else None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The student's commands, then the instructor's (where this copy has them)."""
        limit = formatter.width - 6 - max(len(name) for name in registered())
        for title, names in (("Commands", STUDENT_COMMANDS), ("Instructor commands", INSTRUCTOR_COMMANDS)):
            rows = [(name, load(target).get_short_help_str(limit))
                    for name, target in registered().items() if name in names]
            if rows:
                with formatter.section(title):
                    formatter.write_dl(rows)

    def resolve_command(self, ctx: click.Context,
                        args: list[str]) -> tuple[str | None, click.Command | None, list[str]]:
        name = args[0] if args else ""
        if not name or name.startswith("-") or name in registered():
            return super().resolve_command(ctx, args)
        raise click.UsageError(f"No such command {name!r}. "
                               f"{suggestion(name, args[1:], list(registered()))}", ctx)


def suggestion(name: str, rest: list[str], commands: list[str]) -> str:
    """What to say after "No such command NAME." when NAME is followed by the arguments `rest`."""
    if name.isdigit():
        try:
            by_number(int(name))
        except LookupError as error:
            return f"{str(error)[:1].upper()}{str(error)[1:]}; `grade list` shows every exercise."
        return f"Did you mean `grade exercise {shlex.join([name, *rest])}`?"
    meant = closest(name.lower(), commands, bool(rest) and rest[0].isdigit())
    if meant is None:
        return "`grade --help` lists the commands."
    return f"Did you mean `grade {shlex.join([meant, *rest])}`?"


def closest(name: str, commands: list[str], with_number: bool) -> str | None:
    """The command `name` most likely means: one it begins (`ex`), else one it nearly spells
    (`exercize`, `hnt`); a student's command before an instructor's, and one that takes a number
    when a number follows."""
    found = [command for command in commands if command.startswith(name)]
    found = found or difflib.get_close_matches(name, commands, n=3, cutoff=0.6)
    if not found:
        return None
    return min(found, key=lambda command: (command not in STUDENT_COMMANDS,
                                           with_number and command not in TAKES_A_NUMBER,
                                           found.index(command)))


@click.group(cls=GradeGroup, context_settings={"help_option_names": ["-h", "--help"]},
             invoke_without_command=True)
@click.version_option(__version__, prog_name="grade")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Grade the asyncio exercises: every check, its points and what your code did.

    `grade` alone shows your progress and what to do next; `grade hint` helps when you are
    stuck; `grade watch` grades each time you save.
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(load(STUDENT_COMMANDS["next"]))


def main(argv: list[str] | None = None) -> None:
    """Entry point: usage errors become one line on stderr and exit status 2."""
    try:
        _main(argv)
    finally:
        if argv is None:  # the process's own command line: it ends now
            # Nothing of it is garbage worth collecting: without this, the collections Python
            # makes as it shuts down walk every object of the grading stack (70 ms).
            gc.freeze()


def _main(argv: list[str] | None) -> None:
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
