"""`grade gradescope-bundle OUT.zip`: the autograder zip to upload on Gradescope.

The zip holds Gradescope's two entry points at its root, `setup.sh` (installs the kit once, when
Gradescope builds the image) and `run_autograder` (grades one submission), both from the kit's
`gradescope/` folder, and under `kit/` a pristine copy of the kit: `pyproject.toml`, the
`graders` package and the exercise stubs. No reference solutions and no kit tests go in.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path

import click

from graders.registry import EXERCISES_DIR, KIT_ROOT, PACKAGE_DIR, exercises

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
