"""`grade batch --shard K/N` and `grade merge`: a class graded in slices, on as many machines,
joins into the very gradebook one unsharded run writes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from kit import REFERENCE, STUBS
from test_workflows import actionlint, lint
from test_workflows import test_least_privilege as least_privilege

from graders.cli import cli
from graders.instructor.gradebook import Submission, merge, shard
from graders.registry import KIT_ROOT, exercises

__all__ = ["actionlint"]  # the fixture, shared with tests/test_workflows.py


def make_class(root: Path) -> Path:
    names = [exercise.file_name for exercise in exercises()]
    folders = {"ada": dict.fromkeys(names, REFERENCE), "bob": dict.fromkeys(names, STUBS),
               "cy": dict.fromkeys(names, STUBS),  # ties with bob: they share a rank
               "eve": dict.fromkeys(names, STUBS) | dict.fromkeys(names[:1], REFERENCE)}
    for name, sources in folders.items():
        folder = root / name
        folder.mkdir(parents=True)
        for file_name, source in sources.items():
            shutil.copy(source / file_name, folder / file_name)
    (root / "dee").mkdir()
    (root / "dee" / "notes.txt").write_text("I did not finish")  # a row without grading
    return root


def batch(submissions: Path, output: Path, *extra: str) -> None:
    result = CliRunner().invoke(cli, ["batch", str(submissions), "-o", str(output), "--jobs",
                                      "2", "--no-sandbox", *extra])
    assert result.exit_code == 0, result.output


def test_two_slices_merged_are_the_unsharded_gradebook_byte_for_byte(tmp_path: Path) -> None:
    submissions = make_class(tmp_path / "class")
    batch(submissions, tmp_path / "whole" / "grades.csv")
    for part in (1, 2):
        batch(submissions, tmp_path / f"shard{part}" / "grades.csv", "--shard", f"{part}/2")
    result = CliRunner().invoke(cli, ["merge", str(tmp_path / "shard1" / "grades.csv"),
                                      str(tmp_path / "shard2" / "grades.csv"),
                                      "--output", str(tmp_path / "merged.csv")])
    assert result.exit_code == 0, result.output
    whole = (tmp_path / "whole" / "grades.csv").read_bytes()
    assert (tmp_path / "merged.csv").read_bytes() == whole
    assert whole.count(b"\n") == 6  # the header and every submission, dee included
    reports = {path.name for part in (1, 2) for path in (tmp_path / f"shard{part}" / "grades").iterdir()}
    assert reports == {f"{name}.json" for name in ("ada", "bob", "cy", "dee", "eve")}


def test_merged_slices_write_the_unsharded_class_report_byte_for_byte(tmp_path: Path) -> None:
    submissions = make_class(tmp_path / "class")
    batch(submissions, tmp_path / "whole" / "grades.csv")
    for part in (1, 2):
        batch(submissions, tmp_path / f"shard{part}" / "grades.csv", "--shard", f"{part}/2")
        shutil.copytree(tmp_path / f"shard{part}" / "grades", tmp_path / "merged" / "grades",
                        dirs_exist_ok=True)  # the slices' reports, put together
    result = CliRunner().invoke(cli, ["merge", str(tmp_path / "shard1" / "grades.csv"),
                                      str(tmp_path / "shard2" / "grades.csv"),
                                      "--output", str(tmp_path / "merged" / "grades.csv")])
    assert result.exit_code == 0, result.output
    whole = (tmp_path / "whole" / "grades.html").read_bytes()
    assert (tmp_path / "merged" / "grades.html").read_bytes() == whole
    assert b'<a href="grades/ada.json">ada</a>' in whole


def test_slices_hold_every_submission_once_by_sorted_name() -> None:
    everyone = [Submission(name, None) for name in ("e", "b", "a", "d", "c")]
    slices = [shard(everyone, f"{part}/3") for part in (1, 2, 3)]
    assert [[submission.name for submission in part] for part in slices] == [
        ["a", "d"], ["b", "e"], ["c"]]
    assert shard(everyone[:1], "2/2") == []  # more slices than submissions: an empty one
    for wrong in ("0/2", "3/2", "2", "a/b"):
        with pytest.raises(ValueError):
            shard(everyone, wrong)


def test_merge_refuses_slices_that_do_not_fit(tmp_path: Path) -> None:
    one = tmp_path / "one.csv"
    one.write_text("rank,name,ex01_coroutines,total,max,status\n1,ada,9,9,9,ok\n")
    with pytest.raises(ValueError, match="more than one slice"):
        merge([one, one])
    other = tmp_path / "other.csv"
    other.write_text("rank,name,ex02_gather,total,max,status\n1,bob,9,9,9,ok\n")
    with pytest.raises(ValueError, match="other exercises"):
        merge([one, other])
    result = CliRunner().invoke(cli, ["batch", str(tmp_path), "--shard", "5/2"])
    assert result.exit_code != 0 and "K/N" in result.output


# The example matrix workflow in the instructors' docs is linted like the kit's own workflows.
EXAMPLE = KIT_ROOT / "docs" / "workflows" / "grade-class.yml"


def test_the_example_class_workflow_lints_clean(actionlint: Path) -> None:
    assert lint(actionlint, EXAMPLE) == []


def test_the_example_class_workflow_keeps_least_privilege_and_merges_its_slices() -> None:
    least_privilege(EXAMPLE)
    text = EXAMPLE.read_text()
    assert "--shard" in text and "grade merge" in text and "needs: grade" in text
