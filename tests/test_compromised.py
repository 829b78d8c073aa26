"""A submission in full control of its own process earns no point its behaviour did not earn
(issue 21, item 3).

Each forgery of tests/compromised/forgeries.py is put in front of a judged exercise's stub (whose
behaviour is: nothing written) and graded with the rules for exercise files switched off, as if
the submission had broken every one of them: it can import anything, replace the runtime that
talks to the judge, write to every descriptor it holds, lie about being idle, forge every
self-report and return values that lie about themselves. It must score 0, in `grade exercise`,
`grade all` and `grade batch`; the report stays whole. (The PR script and the Gradescope bundle
run `grade batch`: tests/test_grade_pr.py and tests/test_gradescope_bundle.py.)
"""

from __future__ import annotations

import csv
import importlib.util
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from kit import STUBS, grade_file
from test_judge import JUDGED

from graders.cli import cli
from graders.engine import plugin, runner, worker
from graders.engine.runner import grade
from graders.registry import Exercise
from graders.trust import rules

_spec = importlib.util.spec_from_file_location(
    "forgeries", Path(__file__).parent / "compromised" / "forgeries.py")
assert _spec is not None and _spec.loader is not None
_forgeries = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_forgeries)
FORGERIES: dict[str, str] = _forgeries.FORGERIES


@pytest.fixture(autouse=True)
def every_rule_broken(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(rules, "ENFORCED", False)  # forked children inherit it
    # A forgery that hangs a check is stopped in seconds, not the production limits.
    monkeypatch.setattr(worker, "CHECK_TIMEOUT", 3)
    monkeypatch.setattr(runner, "SILENCE_LIMIT", 6)
    monkeypatch.setattr(plugin, "HANG_GUARD", 1)


FUTURE = "from __future__ import annotations\n"


def compromised(exercise: Exercise, forgery: str) -> str:
    """The stub with the forgery run first: after its `from __future__` import, which must stay
    the file's first statement (before it, the file is a SyntaxError and the forgery never runs)."""
    stub = (STUBS / exercise.file_name).read_text(encoding="utf-8")
    head, future, rest = stub.partition(FUTURE)
    source = (head + future + FORGERIES[forgery] + "\n" + rest if future
              else FORGERIES[forgery] + "\n" + stub)
    compile(source, exercise.file_name, "exec")  # a file that cannot run proves nothing
    return source


def write_all(folder: Path, forgery: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for exercise in JUDGED:
        (folder / exercise.file_name).write_text(compromised(exercise, forgery), encoding="utf-8")
    return folder


CASES = [(exercise, forgery) for exercise in JUDGED for forgery in FORGERIES]


@pytest.mark.parametrize(("exercise", "forgery"), CASES,
                         ids=[f"{exercise.module_name}-{forgery}" for exercise, forgery in CASES])
def test_grade_exercise_gives_a_forgery_nothing(exercise: Exercise, forgery: str,
                                                tmp_path: Path) -> None:
    source = tmp_path / "source.py"
    source.write_text(compromised(exercise, forgery), encoding="utf-8")
    result = grade_file(exercise, source, tmp_path / "graded")
    assert result.score == 0, [(check.name, check.status, check.message) for check in result.checks
                               if check.passed]
    assert len(result.checks) == len(runner.check_specs(exercise))


@pytest.mark.parametrize("forgery", list(FORGERIES))
def test_grade_all_gives_a_forgery_nothing(forgery: str, tmp_path: Path) -> None:
    report = grade(JUDGED, write_all(tmp_path, forgery))
    assert [exercise.score for exercise in report.exercises] == [0] * len(JUDGED)


@pytest.mark.skipif(sys.platform != "linux", reason="a class graded with fork")
def test_grade_batch_gives_every_forgery_nothing(tmp_path: Path) -> None:
    submissions = tmp_path / "submissions"
    for forgery in FORGERIES:
        write_all(submissions / forgery.replace("_", "-"), forgery)
    output = tmp_path / "grades.csv"
    result = CliRunner().invoke(cli, ["batch", str(submissions), "-o", str(output), "--jobs", "2",
                                      "--no-sandbox"])
    assert result.exit_code == 0, result.output
    with output.open(encoding="utf-8", newline="") as gradebook:
        rows = list(csv.DictReader(gradebook))
    assert len(rows) == len(FORGERIES)
    assert all(float(row["total"]) == 0 for row in rows), rows
