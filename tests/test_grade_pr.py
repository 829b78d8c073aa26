"""Pull-request grading (.github/scripts/grade-pr.sh, what the grade-pr workflow runs), against a
temporary git repository: a base commit holding the kit, and pull requests on top of it.

The tamper rule: a pull request that also edits the grader (graders/, conftest.py, tests, the
workflow and its script) scores exactly what the same exercise files score alone, and the job
summary names every ignored file. A control run proves the edit would have raised the score had
it reached the grader."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from junitparser import JUnitXml
from kit import REFERENCE
from report_formats import workflow_commands

from graders.registry import EXERCISES_DIR, KIT_ROOT, exercises
from graders.trust.submitted import MAX_FILE_BYTES

SCRIPT = Path(".github/scripts/grade-pr.sh")
KIT_PARTS = ("graders", "exercises", "pyproject.toml", ".github")
# Appended to graders/engine/runner.py by the tampering pull request: every check passes.
EVERYTHING_PASSES = '''

_real_grade_many = grade_many


def grade_many(*args, **kwargs):  # noqa
    reports = _real_grade_many(*args, **kwargs)
    for report in reports.values():
        for exercise in report.exercises:
            for check in exercise.checks:
                check.status, check.score = "passed", check.max_score
    return reports
'''


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}
    done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                          env=env, check=True)
    return done.stdout.strip()


def commit_all(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def copy_kit(target: Path) -> None:
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for part in KIT_PARTS:
        source = EXERCISES_DIR if part == "exercises" else KIT_ROOT / part  # the stubs as shipped
        if source.is_dir():
            shutil.copytree(source, target / part, ignore=ignore, symlinks=True)
        else:
            shutil.copy2(source, target / part)


# A solution that, while it is graded, rewrites the grading script in the workspace so that it
# would exit 0 (same length, so that bash, which reads a script as it runs it, would pick it up).
REWRITES_THE_SCRIPT = """
import pathlib as _pathlib

_script = _pathlib.Path.cwd() / ".github" / "scripts" / "grade-pr.sh"
if _script.is_file():
    _text = _script.read_text()
    for _line in ('exit "$status"', 'return "$status"', 'exit "$?"'):
        _text = _text.replace(_line, "exit 0".ljust(len(_line)))
    _script.write_text(_text)
"""


@dataclass(frozen=True)
class Course:
    origin: Path  # the repository holding the base commit and every pull request
    base: str
    honest: str  # solves the first exercise
    tampering: str  # the same solution, plus edits to the grader, tests and workflow
    sneaky: str  # the same solution, which rewrites the grading script while it is graded


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Course:
    origin = tmp_path_factory.mktemp("origin")
    git(origin, "init", "-q", "-b", "main")
    copy_kit(origin)
    base = commit_all(origin, "the course: the kit with the exercise stubs")
    first = exercises()[0]
    solution = (REFERENCE / first.file_name).read_text(encoding="utf-8")

    git(origin, "checkout", "-q", "-b", "honest", base)
    (origin / "exercises" / first.file_name).write_text(solution, encoding="utf-8")
    honest = commit_all(origin, "solve the first exercise")

    git(origin, "checkout", "-q", "-b", "tampering", honest)
    tamper(origin)
    tampering = commit_all(origin, "solve it, and make every check pass")

    git(origin, "checkout", "-q", "-b", "sneaky", honest)
    (origin / "exercises" / first.file_name).write_text(solution + REWRITES_THE_SCRIPT)
    sneaky = commit_all(origin, "solve it, and rewrite the grading script while being graded")
    git(origin, "checkout", "-q", "main")
    return Course(origin, base, honest, tampering, sneaky)


def tamper(repo: Path) -> None:
    with (repo / "graders" / "engine" / "runner.py").open("a", encoding="utf-8") as runner:
        runner.write(EVERYTHING_PASSES)
    (repo / "graders" / "checks" / "conftest.py").write_text("collect_ignore_glob = ['*']\n")
    (repo / "tests").mkdir(exist_ok=True)
    (repo / "tests" / "conftest.py").write_text("# the kit's tests, edited\n")
    (repo / ".github" / "scripts" / "grade-pr.sh").write_text("#!/bin/sh\nexit 0\n")
    workflow = repo / ".github" / "workflows" / "grade-pr.yml"
    workflow.write_text(workflow.read_text() + "# edited\n")
    with (repo / "pyproject.toml").open("a") as pyproject:
        pyproject.write("# edited\n")
    # A symlink in place of an exercise file, to a solution kept elsewhere: not a regular file.
    second = exercises()[1]
    (repo / "answers").mkdir()
    shutil.copy(REFERENCE / second.file_name, repo / "answers" / second.file_name)
    (repo / "exercises" / second.file_name).unlink()
    (repo / "exercises" / second.file_name).symlink_to(Path("..", "answers", second.file_name))
    # An exercise file past the limit of what is graded (graders/trust/submitted.py).
    third = exercises()[2]
    stub = (EXERCISES_DIR / third.file_name).read_text(encoding="utf-8")
    (repo / "exercises" / third.file_name).write_text(stub + "#" * MAX_FILE_BYTES + "\n")


@dataclass(frozen=True)
class Graded:
    status: int
    log: str
    report: dict
    summary: str
    ignored: list[str]
    workspace: Path


def grade_pr(course: Course, head: str, workspace: Path) -> Graded:
    """What the workflow does: a checkout of the base commit runs its own grade-pr.sh."""
    return run_script(course.origin, course.base, head, workspace)


def run_script(origin: Path, base: str, head: str, workspace: Path,
               more_env: dict[str, str] | None = None) -> Graded:
    """grade-pr.sh of a fresh checkout of `base` (in `workspace`) on the pull request `head`,
    with `more_env` added to the environment."""
    git(workspace.parent, "clone", "-q", str(origin), workspace.name)
    git(workspace, "checkout", "-q", "--detach", base)
    out, summary = workspace.parent / "reports", workspace.parent / "summary.md"
    env = {**os.environ, "PYTHON": sys.executable, "GITHUB_STEP_SUMMARY": str(summary),
           "NO_COLOR": "1", **(more_env or {})}
    done = subprocess.run(["bash", str(SCRIPT), str(origin), base, head, str(out)],
                          cwd=workspace, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 1), done.stdout + done.stderr
    assert JUnitXml.fromfile(str(out / "report.junit.xml")).tests > 0
    return Graded(done.returncode, done.stdout, json.loads((out / "report.json").read_text()),
                  summary.read_text(), (out / "ignored.txt").read_text().splitlines(), workspace)


@pytest.fixture(scope="module")
def honest(course: Course, tmp_path_factory: pytest.TempPathFactory) -> Graded:
    return grade_pr(course, course.honest, tmp_path_factory.mktemp("honest") / "workspace")


@pytest.fixture(scope="module")
def tampering(course: Course, tmp_path_factory: pytest.TempPathFactory) -> Graded:
    return grade_pr(course, course.tampering, tmp_path_factory.mktemp("tampering") / "workspace")


def scores(report: dict) -> dict[int, float]:
    return {exercise["number"]: exercise["score"] for exercise in report["exercises"]}


@pytest.mark.needs_sandbox
def test_honest_pull_request_is_graded_on_its_exercise_files(honest: Graded) -> None:
    first = exercises()[0]
    by_number = {exercise["number"]: exercise for exercise in honest.report["exercises"]}
    assert by_number[first.number]["score"] == by_number[first.number]["max_score"] > 0
    assert honest.report["score"] == by_number[first.number]["score"]  # the rest are stubs
    # Green: the one exercise it changes passes (the others, still the stubs, fail as on main).
    assert honest.status == 0
    assert f"Every exercise this pull request changes (exercise {first.number}) passes" \
        in honest.summary and "Check: passed." in honest.log
    assert honest.ignored == [] and "not graded" not in honest.summary
    assert honest.summary.startswith("### Grade: ")
    assert (f"Points {honest.report['score']:g}/{honest.report['max_score']:g}"
            in honest.log.splitlines())


@pytest.mark.needs_sandbox
def test_tampering_scores_the_same_and_every_ignored_file_is_named(honest: Graded,
                                                                   tampering: Graded) -> None:
    assert scores(tampering.report) == scores(honest.report)
    # Red: it also changes exercises 2 and 3, whose files were refused and graded as the stubs.
    assert tampering.status == 1
    assert "Check: failed." in tampering.summary and "exercise 2, exercise 3 do not yet" \
        in tampering.summary
    second = exercises()[1]
    expected = {"graders/engine/runner.py", "graders/checks/conftest.py", "tests/conftest.py",
                ".github/scripts/grade-pr.sh", ".github/workflows/grade-pr.yml", "pyproject.toml",
                f"exercises/{second.file_name}", f"answers/{second.file_name}",
                f"exercises/{exercises()[2].file_name}"}
    assert set(tampering.ignored) == expected
    for name in expected:
        assert name in tampering.summary
    assert "Changes not graded" in tampering.log


@pytest.mark.needs_sandbox
def test_a_symlink_or_a_file_over_the_limit_is_refused_by_name(tampering: Graded) -> None:
    second, third = (f"exercises/{exercise.file_name}" for exercise in exercises()[1:3])
    refused = (tampering.workspace.parent / "reports" / "refused.txt").read_text().splitlines()
    size = len((EXERCISES_DIR / exercises()[2].file_name).read_bytes()) + MAX_FILE_BYTES + 1
    assert refused == [f"{second} is a symlink: not graded",
                       f"{third} is larger than 1 MiB ({size} bytes): not graded"]
    errors = {command.properties.get("file"): command for command in workflow_commands(tampering.log)
              if command.name == "error" and command.properties.get("title") == "Not graded"}
    assert set(errors) == {second, third}
    assert "Exercise files that were not graded" in tampering.summary
    assert scores(tampering.report)[exercises()[2].number] == 0


def test_the_tampering_would_have_worked_had_it_reached_the_grader(course: Course,
                                                                   tmp_path: Path) -> None:
    """Control: the pull request's own tree, graded naively, gets full marks."""
    git(tmp_path, "clone", "-q", str(course.origin), "naive")
    naive = tmp_path / "naive"
    git(naive, "checkout", "-q", "--detach", course.tampering)
    done = subprocess.run([sys.executable, "-c", "import sys; from graders.cli import main; "
                           "main(sys.argv[1:])", "all", "--format", "json"],
                          cwd=naive, capture_output=True, text=True, timeout=600)
    report = json.loads(done.stdout)
    assert done.returncode == 0 and report["score"] == report["max_score"] > 0


@pytest.mark.needs_sandbox
def test_annotations_point_at_the_exercise_files_in_the_workspace(honest: Graded) -> None:
    errors = [command for command in workflow_commands(honest.log) if command.name == "error"]
    # Past GitHub's limit of annotations the last one counts the rest and points at no file.
    located = [error for error in errors if "file" in error.properties]
    assert located and len(errors) - len(located) <= 1
    folder = (honest.workspace / "exercises").resolve()
    assert all(Path(error.properties["file"]).parent == folder for error in located)


def test_unknown_commits_stop_the_script(course: Course, tmp_path: Path) -> None:
    done = subprocess.run(["bash", str(KIT_ROOT / SCRIPT), str(course.origin), course.base,
                           "0" * 40, str(tmp_path / "out")], cwd=KIT_ROOT,
                          env={**os.environ, "PYTHON": sys.executable},
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "has no commit" in done.stderr


@pytest.mark.needs_sandbox
def test_a_solution_cannot_rewrite_the_script_that_grades_it(course: Course, honest: Graded,
                                                             tmp_path: Path) -> None:
    sneaky = grade_pr(course, course.sneaky, tmp_path / "workspace")
    script = (sneaky.workspace / SCRIPT).read_text()
    # The grading sandbox's read-only file system (and the rules for exercise files, which
    # refuse the code before it runs) keep the script as it was...
    assert 'exit "$?"' in script
    # ...and the check is red: the one exercise it changes scored nothing (the rules refuse it).
    assert sneaky.status == 1 and "Check: failed." in sneaky.summary
