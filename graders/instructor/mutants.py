"""The kit's proof material: where the reference lives, known mistakes (mutants), correct alternatives.

A mutant is `tests/mutants/exNN_slug/NAME.py`, one known mistake whose docstring names the
check(s) it must fail and a phrase the failure message must contain:

    fails: greet_waits_without_blocking
    says: time.sleep

and, optionally, checks its mistake must not cost (one defect, one check, where the checks can
tell): `passes: greets_everyone`.

A correct alternative is `tests/correct/exNN_slug/NAME.py`: another right approach that must get
full marks. Both are absent from an exported student copy of the kit.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from graders.registry import KIT_ROOT, Exercise, exercises

MUTANTS_DIR = KIT_ROOT / "tests" / "mutants"
CORRECT_DIR = KIT_ROOT / "tests" / "correct"
# Set this to a folder of solutions to verify and test the kit against it instead of reference/.
REFERENCE_ENV = "KIT_REFERENCE"


def reference_dir() -> Path:
    """The reference solutions: $KIT_REFERENCE if set, else the kit's `reference/`."""
    chosen = os.environ.get(REFERENCE_ENV)
    return Path(chosen).expanduser().resolve() if chosen else KIT_ROOT / "reference"


def exercise_for(module_name: str) -> Exercise:
    """The registered exercise whose module is `module_name` (e.g. `ex01_coroutines`)."""
    for exercise in exercises():
        if exercise.module_name == module_name:
            return exercise
    raise LookupError(f"{module_name} is not an exercise in graders/exercises.toml")


@dataclass(frozen=True)
class Mutant:
    path: Path
    exercise: Exercise
    fails: tuple[str, ...]
    says: str
    passes: tuple[str, ...] = ()  # checks this one mistake must not cost

    @property
    def id(self) -> str:
        return f"{self.exercise.module_name}/{self.path.stem}"


def _field(text: str, name: str) -> str:
    match = re.search(rf"^\s*{name}:\s*(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else ""


def read_mutant(path: Path) -> Mutant:
    """Parse one mutant file; its folder names the exercise (LookupError if none matches)."""
    text = path.read_text(encoding="utf-8")
    fails, passes = (tuple(name.strip() for name in _field(text, field).split(",") if name.strip())
                     for field in ("fails", "passes"))
    return Mutant(path, exercise_for(path.parent.name), fails, _field(text, "says"), passes)


def mutant_files(root: Path = MUTANTS_DIR) -> list[Path]:
    """The mutant files under `root` (`exNN_slug/NAME.py`), sorted; none if `root` does not exist."""
    return sorted(root.glob("ex*/*.py"))


def mutants(root: Path = MUTANTS_DIR) -> list[Mutant]:
    """Every mutant under `root`, sorted by path."""
    return [read_mutant(path) for path in mutant_files(root)]


def alternatives(root: Path = CORRECT_DIR) -> list[tuple[Exercise, Path]]:
    """Other correct solutions (gather, TaskGroup, ...) under `root`: each must get full marks."""
    return [(exercise_for(path.parent.name), path) for path in sorted(root.glob("ex*/*.py"))]
