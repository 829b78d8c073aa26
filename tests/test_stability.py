"""Checks that depend on threads or event timing give the same verdict run after run.

For every exercise marked `sensitive` in the registry, the reference and each mutant are graded
KIT_REPEAT times (20 unless set): the reference must pass every check every time, and each mutant
must fail its named check every time.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from kit import REFERENCE, mutants

from graders.registry import exercises
from graders.runner import grade_many

REPEAT = int(os.environ.get("KIT_REPEAT", "20"))
SENSITIVE = [exercise for exercise in exercises() if exercise.sensitive]


@pytest.mark.parametrize("exercise", SENSITIVE, ids=[ex.module_name for ex in SENSITIVE])
def test_same_verdict_every_time(exercise, tmp_path: Path) -> None:
    folders = {f"reference#{run}": REFERENCE for run in range(REPEAT)}
    expected_failures = {}
    for mutant in mutants():
        if mutant.exercise != exercise:
            continue
        folder = tmp_path / mutant.path.stem
        folder.mkdir()
        shutil.copy(mutant.path, folder / exercise.file_name)
        for run in range(REPEAT):
            folders[f"{mutant.path.stem}#{run}"] = folder
        expected_failures[mutant.path.stem] = mutant.fails
    # Several children per core: the slow mutants spend their time waiting out a hang guard.
    reports = grade_many(folders, [exercise], parallel=4 * (os.cpu_count() or 1))
    changed = []
    for name, report in reports.items():
        result = report.exercises[0]
        source = name.split("#")[0]
        if source == "reference":
            changed += [f"{name}: reference failed {c.name}: {c.message}"
                        for c in result.checks if not c.passed]
        else:
            changed += [f"{name}: mutant passed {c.name}"
                        for c in result.checks if c.name in expected_failures[source] and c.passed]
    assert not changed, "\n".join(changed)
