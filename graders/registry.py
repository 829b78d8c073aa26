"""The registry of exercises: reads `exercises.toml` and locates each exercise's files."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
KIT_ROOT = PACKAGE_DIR.parent
# The student's files. GRADE_EXERCISES_DIR moves it: the kit's own tests point it at the stubs as
# shipped, so that they test the kit, not the exercises someone has solved in this clone.
EXERCISES_DIR = Path(os.environ.get("GRADE_EXERCISES_DIR") or KIT_ROOT / "exercises")


@dataclass(frozen=True)
class Exercise:
    number: int
    slug: str
    title: str
    functions: tuple[str, ...]
    # Checks that depend on threads or event timing: the kit's tests grade them many times over.
    sensitive: bool = False
    # `stub = "broken"`: the stub is a program with planted mistakes, not functions raising
    # NotImplementedError; it still scores zero, but its checks name the mistakes.
    broken_stub: bool = False
    # `needs_fork = true`: its checks start worker processes by fork (not graded without it).
    needs_fork: bool = False

    @property
    def module_name(self) -> str:
        return f"ex{self.number:02d}_{self.slug}"

    @property
    def file_name(self) -> str:
        return f"{self.module_name}.py"

    @property
    def checks_module(self) -> str:
        return f"graders.checks.{self.module_name}"

    @property
    def checks_path(self) -> Path:
        return PACKAGE_DIR / "checks" / self.file_name

    @property
    def causes_path(self) -> Path:
        """The catalogue of why its checks fail, beside its checks module (graders/causes.py)."""
        return PACKAGE_DIR / "checks" / f"{self.module_name}.causes.toml"


# The causes any exercise's check can fail for (the stub as handed out, a missing file, ...).
COMMON_CAUSES_PATH = PACKAGE_DIR / "checks" / "common.causes.toml"


@cache
def exercises() -> tuple[Exercise, ...]:
    with open(PACKAGE_DIR / "exercises.toml", "rb") as registry_file:
        entries = tomllib.load(registry_file)["exercise"]
    return tuple(
        Exercise(
            number=entry["number"],
            slug=entry["slug"],
            title=entry["title"],
            functions=tuple(entry.get("functions", ())),
            sensitive=bool(entry.get("sensitive", False)),
            broken_stub=entry.get("stub") == "broken",
            needs_fork=bool(entry.get("needs_fork", False)),
        )
        for entry in sorted(entries, key=lambda entry: entry["number"])
    )


def by_number(number: int) -> Exercise:
    for exercise in exercises():
        if exercise.number == number:
            return exercise
    known = ", ".join(str(exercise.number) for exercise in exercises())
    raise LookupError(f"there is no exercise {number} (the exercises are {known})")


def relative(path: Path) -> str:
    """`path` as the student would type it from the current folder."""
    try:
        shown = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        return str(path)
    return str(path) if shown.startswith("..") else shown
