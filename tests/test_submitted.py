"""Submissions are read, never followed (graders/trust/submitted.py): only regular files inside
the submission's own folder are graded. An `exercises` that is a link to the kit's reference or
to a classmate's folder, a file that is a link to /dev/zero, a FIFO, a file over the limit and a
link that stays inside the submission are each refused by name, in the gradebook and the report,
while the rest of the class is graded as usual (`grade batch --no-sandbox`, on two exercises, so
that each case costs a fraction of a second); `grade exercise` on such files ends at once."""

from __future__ import annotations

import csv
import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from kit import REFERENCE, STUBS

from graders.cli import cli
from graders.instructor import batch
from graders.instructor.gradescope import take_submission
from graders.registry import exercises
from graders.trust import submitted
from graders.trust.submitted import MAX_FILE_BYTES, Refused, read_file

FIRST, SECOND = exercises()[:2]
BIG = MAX_FILE_BYTES + 1


def make_class(root: Path) -> Path:
    """A kit-like tree: `reference/` beside `submissions/`, and one submission per trick."""
    shutil.copytree(REFERENCE, root / "reference")
    people = root / "submissions"
    for name in ("ada", "dee", "eve", "fay", "gus"):  # each has a good second exercise
        (people / name / "exercises").mkdir(parents=True)
        shutil.copy(REFERENCE / SECOND.file_name, people / name / "exercises")
    shutil.copy(REFERENCE / FIRST.file_name, people / "ada" / "exercises")
    (people / "bob").mkdir()
    (people / "bob" / "exercises").symlink_to(Path("..", "..", "reference"))  # the kit's answers
    (people / "cy").mkdir()
    (people / "cy" / "exercises").symlink_to(Path("..", "ada", "exercises"))  # a classmate's
    (people / "dee" / "exercises" / FIRST.file_name).symlink_to("/dev/zero")
    os.mkfifo(people / "eve" / "exercises" / FIRST.file_name)
    huge = (REFERENCE / FIRST.file_name).read_text() + "#" * BIG
    (people / "fay" / "exercises" / FIRST.file_name).write_text(huge)
    (people / "gus" / "mine").mkdir()
    shutil.copy(REFERENCE / FIRST.file_name, people / "gus" / "mine")
    (people / "gus" / "exercises" / FIRST.file_name).symlink_to(Path("..", "mine", FIRST.file_name))
    return people


Graded = tuple[dict[str, dict[str, str]], Path]  # the gradebook's rows by name; the reports


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Graded:
    root = tmp_path_factory.mktemp("tricks")
    people = make_class(root)
    output = root / "out" / "grades.csv"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(batch, "exercises", lambda: [FIRST, SECOND])
        result = CliRunner().invoke(cli, ["batch", str(people), "-o", str(output), "--jobs", "2",
                                          "--no-sandbox"])
    assert result.exit_code == 0, result.output
    with output.open(encoding="utf-8", newline="") as gradebook:
        rows = {row["name"]: row for row in csv.DictReader(gradebook)}
    return rows, output.parent / "grades"


def messages(reports: Path, name: str, exercise: int) -> set[str]:
    report = json.loads((reports / f"{name}.json").read_text(encoding="utf-8"))
    return {check["message"] for check in report["exercises"][exercise]["checks"]}


def assert_refused(graded: Graded, name: str, status: str, says: str) -> None:
    """`name`'s first exercise scores 0, named in its status and every check's message; the
    rest of the class is graded as usual."""
    rows, reports = graded
    row = rows[name]
    assert row["status"] == f"refused {status}", row
    assert float(row[FIRST.module_name]) == 0
    told = messages(reports, name, 0)
    assert len(told) == 1 and says in told.pop()
    if name not in ("bob", "cy"):
        assert float(row[SECOND.module_name]) == float(rows["ada"][SECOND.module_name]) > 0
    assert rows["ada"]["status"] == "ok" and rows["ada"]["total"] == rows["ada"]["max"]


def test_exercises_linked_to_the_reference_is_not_graded_as_it(graded: Graded) -> None:
    assert_refused(graded, "bob", "exercises (symlink out of the submission)",
                   f"exercises/{FIRST.file_name} is not graded: exercises is a symlink that "
                   f"leaves the submission")
    assert float(graded[0]["bob"]["total"]) == 0


def test_exercises_linked_to_a_classmate_is_not_graded_as_theirs(graded: Graded) -> None:
    assert_refused(graded, "cy", "exercises (symlink out of the submission)",
                   "exercises is a symlink that leaves the submission")
    assert float(graded[0]["cy"]["total"]) == 0


def test_a_file_linked_to_dev_zero_is_refused(graded: Graded) -> None:
    assert_refused(graded, "dee", f"exercises/{FIRST.file_name} (symlink out of the submission)",
                   f"exercises/{FIRST.file_name} is a symlink that leaves the submission: not graded")


def test_a_fifo_is_refused(graded: Graded) -> None:
    assert_refused(graded, "eve", f"exercises/{FIRST.file_name} (FIFO)",
                   f"exercises/{FIRST.file_name} is a FIFO, not a regular file: not graded")


def test_a_file_over_the_limit_is_refused(graded: Graded) -> None:
    assert_refused(graded, "fay", f"exercises/{FIRST.file_name} (over 1 MiB)",
                   f"exercises/{FIRST.file_name} is larger than 1 MiB")


def test_a_link_inside_the_submission_is_refused_too(graded: Graded) -> None:
    assert_refused(graded, "gus", f"exercises/{FIRST.file_name} (symlink)",
                   "is a symlink (to a file inside the submission; grading takes only regular files)")


def test_reports_name_the_submissions_folder_not_the_staged_copy(graded: Graded) -> None:
    _, reports = graded
    for report in reports.iterdir():
        assert "grade-batch-" not in report.read_text(encoding="utf-8")
    ada = json.loads((reports / "ada.json").read_text(encoding="utf-8"))
    assert ada["exercises"][0]["path"].endswith(f"submissions/ada/exercises/{FIRST.file_name}")


@pytest.fixture(params=["by folder descriptor", "by path"])
def reader(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    if request.param == "by path":  # as on Windows, which cannot open relative to a folder
        monkeypatch.setattr(submitted, "_BY_FD", False)


@pytest.mark.usefixtures("reader")
def test_read_file_takes_regular_files_and_refuses_the_rest(tmp_path: Path) -> None:
    people = make_class(tmp_path)
    assert read_file(people / "ada", f"exercises/{FIRST.file_name}") == \
        (REFERENCE / FIRST.file_name).read_bytes()
    kinds = {name: "" for name in ("bob", "cy", "dee", "eve", "fay", "gus")}
    for name in kinds:
        with pytest.raises(Refused) as refused:
            read_file(people / name, f"exercises/{FIRST.file_name}")
        kinds[name] = refused.value.kind
    assert kinds == {"bob": "symlink out of the submission", "cy": "symlink out of the submission",
                     "dee": "symlink out of the submission", "eve": "FIFO", "fay": "over 1 MiB",
                     "gus": "symlink"}
    with pytest.raises(FileNotFoundError):
        read_file(people / "ada", "exercises/nothing.py")
    with pytest.raises(Refused, match="is a folder"):
        read_file(people / "ada", "exercises")


def test_grade_exercise_on_a_fifo_or_dev_zero_ends_at_once(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / FIRST.file_name)
    (tmp_path / SECOND.file_name).symlink_to("/dev/zero")
    for exercise, says in ((FIRST, "is a FIFO"), (SECOND, "is a symlink that leaves")):
        done = CliRunner().invoke(cli, ["exercise", str(exercise.number), "--solutions",
                                        str(tmp_path), "--format", "json"])
        assert done.exit_code == 1, done.output
        checks = json.loads(done.stdout)["exercises"][0]["checks"]
        assert all(says in check["message"] and check["score"] == 0 for check in checks)


def test_gradescope_takes_only_regular_files_inside_the_submission(tmp_path: Path) -> None:
    submission, target = tmp_path / "submission", tmp_path / "kit"
    shutil.copytree(STUBS, target)
    (tmp_path / "elsewhere").mkdir()
    shutil.copy(REFERENCE / FIRST.file_name, tmp_path / "elsewhere")
    submission.mkdir()
    (submission / "exercises").symlink_to(tmp_path / "elsewhere")
    os.mkfifo(submission / SECOND.file_name)
    third = exercises()[2]
    shutil.copy(REFERENCE / third.file_name, submission)
    taken, missing, refused = take_submission(submission, target)
    assert taken == [third.file_name]
    assert refused == ["exercises is a symlink that leaves the submission: none of its files "
                       "were graded", f"{SECOND.file_name} is a FIFO, not a regular file: not graded"]
    assert FIRST.file_name in missing and SECOND.file_name not in missing
    assert (target / FIRST.file_name).read_bytes() == (STUBS / FIRST.file_name).read_bytes()
    assert (target / third.file_name).read_bytes() == (REFERENCE / third.file_name).read_bytes()
