"""`grade export DIR`: a student-ready copy of the kit, with no solution in it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click

from graders.instructor.mutants import reference_dir
from graders.registry import KIT_ROOT

COMMIT_MESSAGE = "Asyncio exercises: stubs, lessons and the grader"


def target_folder(value: Path) -> Path:
    target = value.expanduser().resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise click.UsageError(f"{value} already exists and is not an empty folder")
    if target == KIT_ROOT or any(target.is_relative_to(KIT_ROOT / name) for name in ("exercises", "graders",
                                                                                     "docs", ".github")):
        raise click.UsageError(f"{value} lies inside a part of the kit that is being exported")
    return target


@click.command("export")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option("--git", "init_git", is_flag=True,
              help="Start the copy as a fresh git repository with one commit.")
def export_command(directory: Path, init_git: bool) -> None:
    """Write a student-ready copy of the kit to DIRECTORY (new or empty).

    It holds the stubs with their lessons, the checks, the grader, pyproject.toml, the
    pull-request workflow (.github/workflows/grade-pr.yml and its scripts, if present) and a
    student README. It holds no reference/, no tests/ (mutants, correct alternatives) and no
    instructor pages. Every exported file is scanned for the reference solutions (reference/ and
    $KIT_REFERENCE if set): if any survives, nothing is written and the command exits 1.
    """
    from graders.instructor.student_copy import export, start_repository

    target = target_folder(directory)
    if target.is_dir():
        target.rmdir()  # empty: export() creates it whole, or not at all
    references = [KIT_ROOT / "reference", reference_dir()]
    leaks = export(KIT_ROOT, target, [path for path in dict.fromkeys(references) if path.is_dir()])
    if leaks:
        click.echo("Export refused: these lines would hand out a solution:", err=True)
        for leak in leaks:
            where = f"{leak.file}:{leak.line}" if leak.line else leak.file
            click.echo(f"  {where}: {leak.text or '(file)'}  <- {leak.origin}", err=True)
        sys.exit(1)
    if init_git:
        try:
            start_repository(target, COMMIT_MESSAGE)
        except (OSError, subprocess.CalledProcessError) as error:
            detail = getattr(error, "stderr", "") or str(error)
            raise click.ClickException(f"the copy is in {target}, but git failed: {detail.strip()}") from None
    count = sum(1 for path in target.rglob("*") if path.is_file() and ".git" not in path.parts)
    click.echo(f"Exported the student kit to {target} ({count} files, no solutions)"
               + (", as a new git repository." if init_git else "."))
