"""Helpers the kit's tests share: grading a folder, a single file, or a mutant.

Mutant and alternative discovery is the engine's (graders/instructor/mutants.py), shared with `grade verify`.
Set KIT_REFERENCE=/path/to/solutions to run the kit's tests against another reference folder.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
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


def marked(marker: str) -> list[int]:
    """The processes whose environment holds `marker` (ours only: a unique marker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and entry.name != str(os.getpid()):
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def wait_for(condition: Callable[[], bool], limit: float = 60) -> bool:
    """Whether `condition` holds within `limit` real seconds (a cap on a test's wait for
    processes to end, never a verdict on grading)."""
    give_up = time.monotonic() + limit
    while not condition():
        if time.monotonic() > give_up:
            return False
        time.sleep(0.1)
    return True
