"""Helpers the kit's tests share: grading a folder, a single file, or a mutant."""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from graders.registry import KIT_ROOT, Exercise, exercises
from graders.results import ExerciseResult
from graders.runner import grade

MUTANTS = Path(__file__).parent / "mutants"
REFERENCE = KIT_ROOT / "reference"
STUBS = KIT_ROOT / "exercises"


def exercise_for(module_name: str) -> Exercise:
    return next(ex for ex in exercises() if ex.module_name == module_name)


def grade_file(exercise: Exercise, source: Path, workdir: Path) -> ExerciseResult:
    """Grade `source` as the student's file for `exercise`."""
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, workdir / exercise.file_name)
    return grade([exercise], workdir).exercises[0]


@dataclass(frozen=True)
class Mutant:
    path: Path
    exercise: Exercise
    fails: tuple[str, ...]
    says: str

    @property
    def id(self) -> str:
        return f"{self.exercise.module_name}/{self.path.stem}"


def _field(text: str, name: str) -> str:
    match = re.search(rf"^\s*{name}:\s*(.+)$", text, re.MULTILINE)
    return match.group(1).strip() if match else ""


def mutants() -> list[Mutant]:
    found = []
    for path in sorted(MUTANTS.glob("ex*/*.py")):
        text = path.read_text(encoding="utf-8")
        fails = tuple(name.strip() for name in _field(text, "fails").split(",") if name.strip())
        found.append(Mutant(path, exercise_for(path.parent.name), fails, _field(text, "says")))
    return found


CORRECT = Path(__file__).parent / "correct"


def alternatives() -> list[tuple[Exercise, Path]]:
    """Other correct solutions (gather, TaskGroup, ...): each must get full marks."""
    return [(exercise_for(path.parent.name), path) for path in sorted(CORRECT.glob("ex*/*.py"))]
