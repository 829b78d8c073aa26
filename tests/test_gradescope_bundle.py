"""The Gradescope autograder zip: its contents, and its run_autograder laid out in a temporary
/autograder, for a good, a failing and a crashing submission and for a grader that cannot run.
Every run must leave a results.json that follows Gradescope's specification."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pytest
from kit import REFERENCE, STUBS
from report_formats import gradescope_problems

from graders.instructor.gradescope import write_bundle
from graders.registry import KIT_ROOT, exercises


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("bundle") / "autograder.zip"
    write_bundle(target)
    return target


def test_bundle_holds_the_entry_points_and_a_pristine_kit_without_answers(bundle: Path) -> None:
    with zipfile.ZipFile(bundle) as archive:
        entries = {info.filename: info for info in archive.infolist()}
    for name in ("setup.sh", "run_autograder"):
        assert stat.S_IMODE(entries[name].external_attr >> 16) == 0o755, name
    assert {"kit/pyproject.toml", "kit/graders/cli.py", "kit/graders/exercises.toml"} <= set(entries)
    stubs = {f"kit/exercises/{exercise.file_name}" for exercise in exercises()}
    assert stubs <= set(entries)
    for exercise in exercises():
        bundled = entries[f"kit/exercises/{exercise.file_name}"]
        with zipfile.ZipFile(bundle) as archive:
            assert archive.read(bundled) == (STUBS / exercise.file_name).read_bytes()
    assert not [name for name in entries if name.startswith(("kit/reference", "kit/tests"))
                or "__pycache__" in name]


def autograder(bundle: Path, root: Path, submission: dict[str, str],
               python: str = sys.executable, more_env: dict[str, str] | None = None) -> dict[str, Any]:
    """Lay out `root` as Gradescope does, run run_autograder (with `more_env` added to the
    environment), return results.json."""
    with zipfile.ZipFile(bundle) as archive:
        archive.extractall(root / "source")
    for name, text in submission.items():
        (root / "submission" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "submission" / name).write_text(text, encoding="utf-8")
    (root / "submission").mkdir(exist_ok=True)
    env = {**os.environ, "AUTOGRADER_ROOT": str(root), "AUTOGRADER_PYTHON": python,
           **(more_env or {})}
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], cwd=root, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    data = json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))
    assert gradescope_problems(data) == [], data
    return data


def files(folder: Path, prefix: str = "") -> dict[str, str]:
    return {prefix + exercise.file_name: (folder / exercise.file_name).read_text(encoding="utf-8")
            for exercise in exercises()}


def recipe(heading: str) -> list[str]:
    """The commands of the first indented block after `heading` in docs/instructors-ci.md."""
    lines = (KIT_ROOT / "docs" / "instructors-ci.md").read_text(encoding="utf-8").splitlines()
    after = lines[lines.index(heading) + 1:]
    start = next(index for index, line in enumerate(after) if line.startswith("    "))
    block = []
    for line in after[start:]:
        if not line.startswith("    "):
            break
        block.append(line[4:])
    return block


@pytest.mark.needs_sandbox
@pytest.mark.skipif(shutil.which("unzip") is None, reason="the recipe unzips with unzip")
def test_the_docs_recipe_gives_the_reference_full_marks(bundle: Path, tmp_path: Path) -> None:
    """"Testing the zip without Gradescope", run as written, from a folder that holds the zip
    the recipe before it makes and the kit's reference/ (only /tmp/ag is moved here)."""
    here = tmp_path / "kit"
    here.mkdir()
    shutil.copy(bundle, here / "autograder.zip")
    (here / "reference").symlink_to(REFERENCE)
    script = "\n".join(recipe("### Testing the zip without Gradescope"))
    script = script.replace("/tmp/ag", str(tmp_path / "ag"))
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    done = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=here, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    written = (tmp_path / "ag" / "results" / "results.json").read_text(encoding="utf-8")
    assert done.stdout.rstrip().endswith(written.rstrip())  # the recipe ends by printing it
    data = json.loads(written)
    assert gradescope_problems(data) == [], data
    assert data["score"] == sum(test["max_score"] for test in data["tests"]) > 0
    assert {test["status"] for test in data["tests"]} == {"passed"}
    graded = {test["number"].split(".")[0] for test in data["tests"]}
    assert graded == {str(exercise.number) for exercise in exercises()}
    assert data["output"].startswith("Graded files: ") and "Not found" not in data["output"]


@pytest.mark.needs_sandbox
def test_failing_submission_gets_zero_with_messages(bundle: Path, tmp_path: Path) -> None:
    # Submitted as a repository is: the files in an exercises/ folder.
    data = autograder(bundle, tmp_path, files(STUBS, prefix="exercises/"))
    assert data["score"] == 0 and data["tests"]
    assert {test["status"] for test in data["tests"]} == {"failed"}
    assert all(test["output"] for test in data["tests"])
    unwritten = {str(exercise.number) for exercise in exercises() if not exercise.broken_stub}
    assert all("not written yet" in test["output"] for test in data["tests"]
               if test["number"].split(".")[0] in unwritten)


@pytest.mark.needs_sandbox
def test_crashing_submission_still_gets_a_result(bundle: Path, tmp_path: Path) -> None:
    first, second = exercises()[:2]
    forged = json.dumps({"score": 1000, "tests": []})
    submission = {
        first.file_name: ("import os, pathlib\n"
                          f"pathlib.Path(os.environ['AUTOGRADER_ROOT'], 'results', 'results.json')"
                          f".write_text({forged!r})\nos._exit(3)\n"),
        second.file_name: "def broken(:\n",
    }
    data = autograder(bundle, tmp_path, submission)
    by_exercise = {number: [t for t in data["tests"] if t["number"].split(".")[0] == str(number)]
                   for number in (first.number, second.number)}
    assert data["score"] == 0  # not the 1000 the submission wrote into results.json
    assert all(test["status"] == "failed" for tests in by_exercise.values() for test in tests)
    # The rules refuse the file before it runs (the crash itself is the hostile suite's, with the
    # rules off): nothing of it ran, so neither the forged results.json nor the exit happened.
    assert any("importing os is not allowed" in test["output"] for test in by_exercise[first.number])
    assert any("SyntaxError" in test["output"] for test in by_exercise[second.number])
    assert "Not found in your submission" in data["output"]


def test_a_grader_that_cannot_run_leaves_a_fallback(bundle: Path, tmp_path: Path) -> None:
    broken_python = tmp_path / "python"
    broken_python.write_text("#!/bin/sh\necho 'no python here' >&2\nexit 1\n")
    broken_python.chmod(0o755)
    data = autograder(bundle, tmp_path / "root", files(REFERENCE), python=str(broken_python))
    assert data["score"] == 0 and data["tests"] == []
    assert "could not grade this submission" in data["output"]
