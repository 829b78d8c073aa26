"""`grade export`: a student copy with stubs, lessons, checks and grader, and no solution in it.

The scan for solutions here is written independently of graders/instructor/student_copy.py's own: it looks for
the body of every reference function, whitespace-normalised, anywhere in any exported file, and
for every two consecutive lines of a reference function that are not both in the stub.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from kit import REFERENCE, STUBS

from graders.cli import cli
from graders.instructor.student_copy import export
from graders.registry import KIT_ROOT, exercises


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("export") / "student-kit"
    result = CliRunner().invoke(cli, ["export", str(target), "--git"])
    assert result.exit_code == 0, result.output
    return target


def files_in(root: Path) -> list[Path]:
    return [path for path in root.rglob("*")
            if path.is_file() and ".git" not in path.relative_to(root).parts]


def text_of(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return ""


def flat(text: str) -> str:
    return " ".join(text.split())


def reference_bodies(path: Path) -> list[list[str]]:
    """The source lines of each function body in a reference file, docstrings left out."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    bodies = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body[1:] if ast.get_docstring(node) is not None else node.body
            if body:
                bodies.append(lines[body[0].lineno - 1: body[-1].end_lineno])
    return bodies


def test_holds_stubs_grader_and_readme_but_no_solutions_tests_or_instructor_pages(exported: Path) -> None:
    relative = {path.relative_to(exported).as_posix() for path in files_in(exported)}
    assert not [path for path in relative if path.split("/")[0] in {"reference", "tests", ".ci"}]
    assert not [path for path in relative if path.startswith("docs/instructors")]
    assert "docs/adding-an-exercise.md" not in relative
    assert {"README.md", "pyproject.toml", "graders/registry.py", "graders/exercises.toml"} <= relative
    for exercise in exercises():
        assert (exported / "exercises" / exercise.file_name).read_text() == (
            STUBS / exercise.file_name).read_text()
        assert exercise.checks_path.relative_to(KIT_ROOT).as_posix() in relative
        assert exercise.title in (exported / "README.md").read_text()


def code(lines: list[str]) -> list[str]:
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


def pairs(lines: list[str]) -> set[tuple[str, str]]:
    return set(zip(lines, lines[1:], strict=False))


def test_no_reference_function_body_or_pair_of_its_lines_survives(exported: Path) -> None:
    contents = {path: text_of(path) for path in files_in(exported)}
    flattened = {path: flat(text) for path, text in contents.items()}
    exported_pairs = set().union(*(pairs(code(text.splitlines())) for text in contents.values()))
    checked = 0
    for reference in sorted(REFERENCE.glob("*.py")):
        stub = STUBS / reference.name
        stub_text = stub.read_text(encoding="utf-8") if stub.is_file() else ""
        stub_lines = set(code(stub_text.splitlines()))
        for body in reference_bodies(reference):
            whole = flat("\n".join(body))
            if whole not in flat(stub_text):
                checked += 1
                assert not [path for path, text in flattened.items() if whole in text], (
                    f"{reference.name}: a function body survives: {whole}")
            solution_pairs = {pair for pair in pairs(code(body)) if not set(pair) <= stub_lines}
            assert not solution_pairs & exported_pairs, reference.name
    assert checked >= len(exercises())


def test_it_is_a_fresh_repository_with_one_clean_commit(exported: Path) -> None:
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(exported), *args], capture_output=True, text=True,
                              check=True).stdout

    assert len(git("log", "--format=%s").splitlines()) == 1
    assert git("status", "--porcelain") == ""


def in_copy(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`grade ARGS` run with the exported copy's own graders package, from inside it."""
    env = {**os.environ, "PYTHONPATH": str(root), "NO_COLOR": "1"}
    env.pop("KIT_REFERENCE", None)
    return subprocess.run([sys.executable, "-c", "from graders.cli import main; main()", *args],
                          cwd=root, capture_output=True, text=True, env=env, timeout=120)


def test_the_copy_grades_and_has_only_the_students_commands(exported: Path) -> None:
    graded = in_copy(exported, "exercise", "1")
    assert graded.returncode == 1 and "not written yet" in graded.stdout
    assert not (exported / "graders" / "instructor").exists()
    listed = in_copy(exported, "--help")
    assert listed.returncode == 0 and "grade exercise 3" in listed.stdout
    assert "Instructor commands" not in listed.stdout and "verify" not in listed.stdout
    refused = in_copy(exported, "verify", "-e", "1")
    assert refused.returncode == 2
    assert refused.stderr.startswith("grade: error: No such command 'verify'")


def kit_copy(tmp_path: Path) -> Path:
    source = tmp_path / "kit"
    shutil.copytree(STUBS, source / "exercises")
    shutil.copytree(REFERENCE, source / "reference")
    (source / "docs").mkdir()
    return source


def test_a_planted_solution_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    source = kit_copy(tmp_path)
    planted = "\n".join(reference_bodies(source / "reference" / "ex02_gather.py")[0])
    (source / "docs" / "notes.md").write_text(f"Spoiler:\n\n```python\n{planted}\n```\n")
    leaks = export(source, tmp_path / "out")
    assert [leak.file for leak in leaks] == ["docs/notes.md"]
    assert leaks[0].origin.startswith("reference/ex02_gather.py:")
    assert not (tmp_path / "out").exists()


def test_a_reference_in_place_of_a_stub_is_refused(tmp_path: Path) -> None:
    source = kit_copy(tmp_path)
    shutil.copy(source / "reference" / "ex01_coroutines.py", source / "exercises" / "ex01_coroutines.py")
    leaks = export(source, tmp_path / "out")
    assert leaks and {leak.file for leak in leaks} == {"exercises/ex01_coroutines.py"}


def test_a_folder_that_is_not_empty_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "taken.txt").write_text("mine")
    result = CliRunner().invoke(cli, ["export", str(tmp_path)])
    assert result.exit_code == 2 and "not an empty folder" in result.output
    assert (tmp_path / "taken.txt").read_text() == "mine"
