"""`grade batch`: a class graded in parallel into a ranked CSV gradebook, broken submissions included."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from kit import REFERENCE, STUBS

from graders.cli import cli
from graders.instructor.gradebook import Submission, locate, status_of
from graders.instructor.progress_bar import Progress
from graders.registry import by_number, exercises
from graders.results import CheckResult, ExerciseResult, Report
from graders.trust import rules

CRASH = ("import os\n\n\nasync def greet(name, delay):\n    os._exit(3)\n\n\n"
         "def run_greet(name, delay):\n    os._exit(3)\n")


def submission(root: Path, name: str, sources: dict[str, Path | str]) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    for file_name, source in sources.items():
        if isinstance(source, Path):
            shutil.copy(source / file_name, folder / file_name)
        else:
            (folder / file_name).write_text(source)
    return folder


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, str]], str]:
    root = tmp_path_factory.mktemp("class")
    names = [exercise.file_name for exercise in exercises()]
    submissions = root / "submissions"
    submission(submissions, "ada", dict.fromkeys(names, REFERENCE))
    submission(submissions, "bob", dict.fromkeys(names, STUBS))
    mix = dict.fromkeys(names, STUBS) | dict.fromkeys(names[:2], REFERENCE)
    submission(submissions / "cy" / "asyncio-kit-main", "exercises", mix)  # a repository, unpacked
    submission(submissions, "dee", {"notes.txt": "I did not finish"})
    submission(submissions, "eve", {names[0]: CRASH})
    (submissions / "fay").symlink_to(root / "nowhere")
    (submissions / "stray.zip").write_text("not a folder")
    output = root / "out" / "grades.csv"
    # eve's crash (os._exit) breaks the rules for exercise files, which would refuse it before
    # it runs: off, so that the crash reaches the grading process (in the sandbox too).
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(rules, "ENFORCED", False)
        result = CliRunner().invoke(cli, ["batch", str(submissions), "-o", str(output),
                                          "--jobs", "2"])
    assert result.exit_code == 0, result.output
    with output.open(encoding="utf-8", newline="") as gradebook:
        rows = list(csv.DictReader(gradebook))
    return output, rows, result.stderr


def by_name(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {row["name"]: row for row in rows}


@pytest.mark.needs_sandbox
def test_ranks_reference_then_mix_then_stubs(graded: tuple[Path, list[dict[str, str]], str]) -> None:
    _, rows, _ = graded
    maximum = float(rows[0]["max"])
    assert [row["name"] for row in rows][:2] == ["ada", "cy"]
    found = by_name(rows)
    assert float(found["ada"]["total"]) == maximum > 0 and found["ada"]["rank"] == "1"
    first_two = sum(float(found["ada"][exercise.module_name]) for exercise in exercises()[:2])
    assert float(found["cy"]["total"]) == first_two > 0 and found["cy"]["rank"] == "2"
    assert float(found["bob"]["total"]) == 0 and found["bob"]["rank"] == "3"
    assert {row["status"] for row in (found["ada"], found["bob"], found["cy"])} == {"ok"}


@pytest.mark.needs_sandbox
def test_every_exercise_is_a_column(graded: tuple[Path, list[dict[str, str]], str]) -> None:
    _, rows, _ = graded
    columns = ["rank", "name", *(exercise.module_name for exercise in exercises()), "total", "max", "status"]
    assert list(rows[0]) == columns
    for row in rows:
        assert sum(float(row[exercise.module_name]) for exercise in exercises()) == float(row["total"])


@pytest.mark.needs_sandbox
def test_broken_submissions_are_rows_with_a_status(graded: tuple[Path, list[dict[str, str]], str]) -> None:
    _, rows, stderr = graded
    found = by_name(rows)
    assert set(found) == {"ada", "bob", "cy", "dee", "eve", "fay"}
    assert found["dee"]["status"] == "no exercise files"
    assert found["fay"]["status"].startswith("unreadable:")
    assert "crashed in ex01_coroutines" in found["eve"]["status"]
    assert "missing ex02_gather.py" in found["eve"]["status"]
    assert all(float(found[name]["total"]) == 0 for name in ("dee", "eve", "fay"))
    assert "skipping stray.zip: not a folder" in stderr


@pytest.mark.needs_sandbox
def test_each_submission_has_its_json_report(graded: tuple[Path, list[dict[str, str]], str]) -> None:
    output, rows, _ = graded
    for row in rows:
        report = json.loads((output.parent / "grades" / f"{row['name']}.json").read_text())
        assert report["submission"] == row["name"] and report["status"] == row["status"]
        assert f"{report['score']:g}" == row["total"] and f"{report['max_score']:g}" == row["max"]
    ada = json.loads((output.parent / "grades" / "ada.json").read_text())
    assert [exercise["number"] for exercise in ada["exercises"]] == [ex.number for ex in exercises()]


@pytest.mark.needs_sandbox
def test_progress_is_plain_lines_when_not_a_terminal(graded: tuple[Path, list[dict[str, str]], str]) -> None:
    _, rows, stderr = graded
    assert f"graded {len(rows)}/{len(rows)} submissions" in stderr.splitlines()
    assert "\r" not in stderr


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_one_live_line_on_a_terminal() -> None:
    stream = Terminal()
    progress = Progress(2, "graded", "submissions", stream)
    progress.step()
    progress.step()
    progress.done()
    assert stream.getvalue() == "\r\x1b[Kgraded 1/2 submissions\r\x1b[Kgraded 2/2 submissions\n"


def test_a_hung_check_marks_the_row() -> None:
    exercise = by_number(1)
    hung = CheckResult("greet_returns_greeting", "t", "timeout", 0, 1, "stopped after 15 s")
    report = Report([ExerciseResult(1, exercise.slug, exercise.title, exercise.file_name, [hung])])
    assert status_of(Submission("x", Path("."), "ok"), report) == "hung in ex01_coroutines"


def test_a_repository_layout_is_found(tmp_path: Path) -> None:
    folder = submission(tmp_path / "kim" / "exercises", "", {})
    (folder / "ex01_coroutines.py").write_text("")
    (tmp_path / "kim" / "README.md").write_text("")
    found = locate(tmp_path / "kim", list(exercises()))
    assert found.folder == folder.resolve() and found.status == "ok"


def test_no_submissions_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["batch", str(tmp_path), "-o", str(tmp_path / "g.csv")])
    assert result.exit_code == 2 and "no submissions" in result.output
    assert CliRunner().invoke(cli, ["batch", str(tmp_path / "none")]).exit_code == 2
