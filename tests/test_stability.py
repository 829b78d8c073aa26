"""The same file keeps its verdict whatever data the checks draw, and run after run.

Every check draws its random data from a seed (the graded file's, or `grade --seed N`). For each
exercise, the reference, every correct alternative and every mutant is graded under KIT_SEEDS
different seeds (1 unless set; `KIT_SEEDS=20` is the release check): the reference and the
alternatives must pass every check under every seed, and each mutant must fail its named checks,
saying its phrase, under every seed. Exercises marked `sensitive` in the registry (threads, event
timing) are graded under KIT_SENSITIVE_SEEDS seeds (2 unless set, never fewer than KIT_SEEDS).
With test_mutants and test_alternatives, which grade each file under its own seed, every file is
graded two or three times in every test run (judged in processes of their own, each grading costs
more than it did: one seed less for the exercises not marked sensitive keeps the suite in its
budget); the release check grades it twenty times more.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from kit import REFERENCE, alternatives, mutants

from graders.engine.runner import grade_many
from graders.registry import Exercise, exercises

SEEDS = int(os.environ.get("KIT_SEEDS", "1"))
SENSITIVE_SEEDS = max(SEEDS, int(os.environ.get("KIT_SENSITIVE_SEEDS", "2")))
EXERCISES = list(exercises())
# Each seed grades every file of an exercise once more; the slowest exercises (threads meeting at
# barriers, processes) take about 20 s a seed on a loaded two-core machine.
pytestmark = pytest.mark.timeout(max(600, 120 * SENSITIVE_SEEDS))  # a hang guard only


@dataclass(frozen=True)
class Expected:
    fails: tuple[str, ...] = ()  # none: full marks
    says: str = ""
    passes: tuple[str, ...] = ()  # checks a mistake must not cost (one defect, one check)


def _files(exercise: Exercise, tmp_path: Path) -> dict[str, tuple[Path, Expected]]:
    """Each file to grade, in a folder of its own, with the verdict it must keep."""
    sources = {"reference": (REFERENCE / exercise.file_name, Expected())}
    for ex, path in alternatives():
        if ex == exercise:
            sources[f"correct/{path.stem}"] = (path, Expected())
    for mutant in mutants():
        if mutant.exercise == exercise:
            sources[f"mutant/{mutant.path.stem}"] = (mutant.path, Expected(mutant.fails, mutant.says,
                                                                           mutant.passes))
    folders = {}
    for name, (source, expected) in sources.items():
        folder = tmp_path / name.replace("/", "-")
        folder.mkdir()
        shutil.copy(source, folder / exercise.file_name)
        folders[name] = (folder, expected)
    return folders


def _changed(name: str, seed: int, result, expected: Expected) -> list[str]:  # type: ignore[no-untyped-def]
    by_name = {check.name: check for check in result.checks}
    if not expected.fails:
        return [f"{name} (seed {seed}) failed {c.name}: {c.message}"
                for c in result.checks if not c.passed]
    kept = [f"{name} (seed {seed}) failed {check}, which its mistake must not cost: "
            f"{by_name[check].message}" for check in expected.passes if not by_name[check].passed]
    return kept + [
        f"{name} (seed {seed}) passed {check}" if by_name[check].passed else
        f"{name} (seed {seed}) failed {check} without saying {expected.says!r}: "
        f"{by_name[check].message}"
        for check in expected.fails
        if by_name[check].passed or expected.says.lower() not in by_name[check].message.lower()]


@pytest.mark.parametrize("exercise", EXERCISES, ids=[ex.module_name for ex in EXERCISES])
def test_same_verdict_under_every_seed(exercise: Exercise, tmp_path: Path) -> None:
    files = _files(exercise, tmp_path)
    changed = []
    for seed in range(1, (SENSITIVE_SEEDS if exercise.sensitive else SEEDS) + 1):
        # Several children per core: the slow mutants spend their time waiting out a hang guard.
        reports = grade_many({name: folder for name, (folder, _) in files.items()}, [exercise],
                             parallel=4 * (os.cpu_count() or 1), seed=seed)
        for name, report in reports.items():
            changed += _changed(name, seed, report.exercises[0], files[name][1])
    assert not changed, "\n".join(changed)
