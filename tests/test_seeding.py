"""The same file gets the same data, verdict and figures on every run; `--seed` replays a grading."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from kit import MUTANTS, exercise_for

from graders.engine.runner import grade
from graders.engine.seeding import seed_of_file
from graders.results import ExerciseResult

# Its message quotes figures drawn at random: the requests' latencies and the time they took.
SEQUENTIAL = MUTANTS / "ex03_fetch" / "one_at_a_time.py"
EXERCISE = exercise_for("ex03_fetch")


def _graded(source: Path, folder: Path, seed: int | None = None) -> ExerciseResult:
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(source, folder / EXERCISE.file_name)
    return grade([EXERCISE], folder, seed=seed).exercises[0]


def _messages(result: ExerciseResult) -> dict[str, str]:
    return {check.name: check.message for check in result.checks}


def test_same_file_same_figures(tmp_path: Path) -> None:
    first, second = _graded(SEQUENTIAL, tmp_path / "a"), _graded(SEQUENTIAL, tmp_path / "b")
    assert first.seed == second.seed == seed_of_file(SEQUENTIAL)
    assert _messages(first) == _messages(second)
    assert "one at a time" in _messages(first)["fetch_all_runs_requests_concurrently"]


def test_another_file_draws_other_data(tmp_path: Path) -> None:
    edited = tmp_path / "edited.py"
    edited.write_text(SEQUENTIAL.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    first, second = _graded(SEQUENTIAL, tmp_path / "a"), _graded(edited, tmp_path / "b")
    assert first.seed != second.seed
    check = "fetch_all_runs_requests_concurrently"
    assert _messages(first)[check] != _messages(second)[check]


def test_a_recorded_seed_replays_the_grading(tmp_path: Path) -> None:
    edited = tmp_path / "edited.py"
    edited.write_text(SEQUENTIAL.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    original = _graded(SEQUENTIAL, tmp_path / "a")
    replayed = _graded(edited, tmp_path / "b", seed=original.seed)
    assert replayed.seed == original.seed
    assert _messages(replayed) == _messages(original)


def test_json_report_records_the_seed_and_seed_option_replays_it(tmp_path: Path) -> None:
    folder = tmp_path / "solutions"
    folder.mkdir()
    shutil.copy(SEQUENTIAL, folder / EXERCISE.file_name)

    def report(*extra: str) -> dict:
        command = [sys.executable, "-c", "from graders.cli import main; main()", "exercise", "3",
                   "--solutions", str(folder), "--format", "json", *extra]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        assert done.returncode == 1, done.stderr
        return json.loads(done.stdout)["exercises"][0]

    recorded = report()
    assert recorded["seed"] == seed_of_file(SEQUENTIAL)
    replayed = report("--seed", str(recorded["seed"]))
    assert [c["message"] for c in replayed["checks"]] == [c["message"] for c in recorded["checks"]]
    other = report("--seed", str(recorded["seed"] + 1))
    assert other["seed"] == recorded["seed"] + 1
    assert [c["message"] for c in other["checks"]] != [c["message"] for c in recorded["checks"]]
