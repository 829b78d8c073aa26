"""Helpers the kit's tests share: grading a folder, a single file, or a mutant.

Mutant and alternative discovery is the engine's (graders/instructor/mutants.py), shared with `grade verify`.
Set KIT_REFERENCE=/path/to/solutions to run the kit's tests against another reference folder.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from graders.engine.runner import grade
from graders.instructor.mutants import (
    CORRECT_DIR,
    MUTANTS_DIR,
    Mutant,
    alternatives,
    exercise_for,
    mutants,
    reference_dir,
)
from graders.registry import EXERCISES_DIR, Exercise
from graders.results import ExerciseResult

__all__ = ["CORRECT", "MUTANTS", "REFERENCE", "STUBS", "Mutant", "alternatives", "exercise_for",
           "grade_file", "mutants"]

MUTANTS = MUTANTS_DIR
CORRECT = CORRECT_DIR
REFERENCE = reference_dir()
STUBS = EXERCISES_DIR  # the stubs as shipped (tests/conftest.py)


def grade_file(exercise: Exercise, source: Path, workdir: Path) -> ExerciseResult:
    """Grade `source` as the student's file for `exercise`."""
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, workdir / exercise.file_name)
    return grade([exercise], workdir).exercises[0]
