"""`grade gradescope-bundle OUT.zip`: the autograder zip to upload on Gradescope.

The zip holds Gradescope's two entry points at its root, `setup.sh` (installs the kit once, when
Gradescope builds the image) and `run_autograder` (grades one submission), both from the kit's
`gradescope/` folder, and under `kit/` a pristine copy of the kit: `pyproject.toml`, the
`graders` package and the exercise stubs. No reference solutions and no kit tests go in.

`run_autograder` takes the submitted exercise files with `take_submission` (`python -c` from the
kit): read as graders/trust/submitted.py reads a submission's files, never followed.
"""

from __future__ import annotations

import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import click

from graders.registry import EXERCISES_DIR, KIT_ROOT, PACKAGE_DIR, exercises
from graders.trust.submitted import Refused, read_file

SCRIPTS = KIT_ROOT / "gradescope"
ENTRY_POINTS = ("setup.sh", "run_autograder")
KIT_FILES = ("pyproject.toml", "README.md", "LICENSE")
EXECUTABLE = 0o100755 << 16  # a regular file, rwxr-xr-x, in a zip entry's external attributes
REGULAR = 0o100644 << 16


def bundle_files() -> Iterator[tuple[str, Path]]:
    """(name in the zip, file on disk) for everything the bundle holds."""
    for name in ENTRY_POINTS:
        yield name, SCRIPTS / name
    for name in KIT_FILES:
        if (KIT_ROOT / name).is_file():
            yield f"kit/{name}", KIT_ROOT / name
    for path in sorted(PACKAGE_DIR.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            yield f"kit/{path.relative_to(KIT_ROOT).as_posix()}", path
    for exercise in exercises():
        yield f"kit/exercises/{exercise.file_name}", EXERCISES_DIR / exercise.file_name


def write_bundle(target: Path) -> int:
    """Write the zip to `target`; the number of files in it."""
    files = list(bundle_files())
    missing = [str(path) for _, path in files if not path.is_file()]
    if missing:
        raise click.UsageError("the kit is incomplete (run this from a checkout of the kit): "
                               "missing " + ", ".join(missing))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, path in files:
            entry = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            entry.external_attr = EXECUTABLE if name in ENTRY_POINTS else REGULAR
            entry.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(entry, path.read_bytes())
    return len(files)


@click.command("gradescope-bundle")
@click.argument("out", metavar="OUT.zip", type=click.Path(dir_okay=False, writable=True,
                                                           path_type=Path))
def gradescope_bundle(out: Path) -> None:
    """Write the Gradescope autograder zip to OUT.zip (upload it under Configure Autograder)."""
    try:
        count = write_bundle(out)
    except OSError as error:
        raise click.UsageError(f"cannot write {out}: {error.strerror}") from None
    click.echo(f"Wrote {out}: setup.sh, run_autograder and the kit ({count - 2} files; "
               f"{len(exercises())} exercise stubs, no reference solutions).")


def take_submission(submission: Path, target: Path) -> tuple[list[str], list[str], list[str]]:
    """Copy each registered exercise file found at the top of `submission` or in its
    `exercises/` into `target` (the kit's exercises/, where the stubs are), taking only regular
    files inside the submission, none over the limit. The files taken; those not there (or only
    behind a refused folder); why each refused file or folder was refused, once each. What is not
    taken is graded as the stub."""
    taken, missing, refused = [], [], []
    for exercise in exercises():
        name = exercise.file_name
        found, why = _take(submission, name)
        if found is not None:
            (target / name).write_bytes(found)
            taken.append(name)
            continue
        if why is not None and why.file not in refused:
            refused.append(why.file)
        if why is None or why.folder:
            missing.append(name)
    return taken, missing, refused


@dataclass(frozen=True)
class _Why:
    file: str  # what to tell
    folder: bool  # about a folder on the way, not the file itself


def _take(submission: Path, name: str) -> tuple[bytes | None, _Why | None]:
    """The file `name` at the top of `submission` or in its exercises/, or why not (None: not
    there)."""
    why = None
    for candidate in (name, f"exercises/{name}"):
        try:
            return read_file(submission, candidate), None
        except FileNotFoundError:
            continue
        except Refused as error:
            folder = error.shown != error.file
            text = f"{error.shown} {error.why}: none of its files were graded" if folder \
                else str(error)
            why = why or _Why(text, folder)
        except OSError as error:
            why = why or _Why(f"{candidate} cannot be read ({error.strerror or error}): not graded",
                              False)
    return None, why


def take_main(argv: list[str]) -> None:
    """`take_submission SUBMISSION TARGET` for run_autograder: three lines, the files taken,
    those missing (space-separated) and the refusals ("; "-separated)."""
    taken, missing, refused = take_submission(Path(argv[0]), Path(argv[1]))
    sys.stdout.write(f"{' '.join(taken)}\n{' '.join(missing)}\n{'; '.join(refused)}\n")
