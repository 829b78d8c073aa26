"""The `grade` command through click's CliRunner and as a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from graders.cli import cli, main


def run_main(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_COLOR": "1"}
    return subprocess.run([sys.executable, "-c", "from graders.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, timeout=120)


def test_reference_exercise_3_passes_with_at_least_five_checks() -> None:
    result = CliRunner().invoke(cli, ["exercise", "3", "--solutions", "reference", "-f", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    exercise = report["exercises"][0]
    assert exercise["number"] == 3 and exercise["score"] == exercise["max_score"]
    assert len(exercise["checks"]) >= 5
    assert {check["status"] for check in exercise["checks"]} == {"passed"}


def test_stubs_fail_with_guidance_and_exit_1() -> None:
    result = CliRunner().invoke(cli, ["exercise", "3"])
    assert result.exit_code == 1
    assert "✗" in result.output and "not written yet" in result.output
    assert "Total: 0/" in result.output


def test_json_report_has_the_documented_shape() -> None:
    result = CliRunner().invoke(cli, ["exercise", "1", "-f", "json"])
    report = json.loads(result.output)
    assert set(report) >= {"score", "max_score", "exercises"}
    exercise = report["exercises"][0]
    assert set(exercise) >= {"number", "slug", "title", "score", "max_score", "checks"}
    for check in exercise["checks"]:
        assert set(check) >= {"name", "status", "score", "max_score", "message"}
        assert check["status"] in {"passed", "failed", "error", "timeout"}


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    result = CliRunner().invoke(cli, ["exercise", "1", "-s", "reference", "-f", "json",
                                      "-o", str(target)])
    assert result.exit_code == 0 and result.output == ""
    assert json.loads(target.read_text())["score"] > 0


def test_a_folder_with_one_module_serves_its_exercise(tmp_path: Path) -> None:
    from graders.registry import KIT_ROOT

    (tmp_path / "ex01_coroutines.py").write_text(
        (KIT_ROOT / "reference" / "ex01_coroutines.py").read_text())
    result = CliRunner().invoke(cli, ["exercise", "1", "--solutions", str(tmp_path)])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(("args", "phrase"), [
    (["exercise", "99"], "there is no exercise 99"),
    (["exercise", "three"], "'three' is not a valid integer"),
    (["exercise", "1", "--solutions", "/no/such/folder"], "no folder /no/such/folder"),
    (["exercise", "1", "--format", "yaml"], "'yaml' is not one of"),
    (["nonsense"], "No such command 'nonsense'"),
])
def test_bad_usage_is_one_line_and_exit_2(args: list[str], phrase: str) -> None:
    done = run_main(*args)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and phrase in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_unwritable_output_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = run_main("exercise", "1", "-o", str(tmp_path / "missing" / "report.txt"))
    assert done.returncode == 2 and done.stderr.startswith("grade: error: --output")


def test_real_subprocess_grades_and_pipes_without_colour() -> None:
    done = run_main("exercise", "2", "--solutions", "reference")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "\x1b[" not in done.stdout and "✓" in done.stdout


def test_help_everywhere() -> None:
    for args in (["--help"], ["exercise", "--help"], ["all", "--help"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 0 and "Usage:" in result.output


def test_main_returns_exit_code_of_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["--help"])
    assert done.value.code == 0


# Mistyped commands


@pytest.mark.parametrize(("args", "phrase"), [
    (["3"], "No such command '3'. Did you mean `grade exercise 3`?"),
    (["3", "--timeline"], "Did you mean `grade exercise 3 --timeline`?"),
    (["ex", "3"], "No such command 'ex'. Did you mean `grade exercise 3`?"),
    (["exercize", "3"], "Did you mean `grade exercise 3`?"),
    (["Exercise", "3"], "Did you mean `grade exercise 3`?"),
    (["hnt"], "No such command 'hnt'. Did you mean `grade hint`?"),
    (["lsit"], "Did you mean `grade list`?"),
    (["99"], "There is no exercise 99"),
    (["nonsense"], "`grade --help` lists the commands"),
])
def test_a_mistyped_command_gets_the_command_it_meant(args: list[str], phrase: str) -> None:
    done = run_main(*args)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and phrase in done.stderr, done.stderr


# Help: a folder of solutions, never the kit's reference


def test_help_says_a_folder_of_solutions_and_never_reference() -> None:
    for command in ("exercise", "all"):
        shown = " ".join(CliRunner().invoke(cli, [command, "--help"]).output.split())
        assert "a folder of solutions" in shown and "reference" not in shown, shown


@pytest.fixture(scope="module")
def student_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What a course hands out: `grade export`."""
    target = tmp_path_factory.mktemp("copy") / "course"
    result = CliRunner().invoke(cli, ["export", str(target)])
    assert result.exit_code == 0, result.output
    return target


def run_in_copy(copy: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`grade ARGS` in the student copy, with the copy's own grader (as `pip install -e .` there
    would have it)."""
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPATH": str(copy)}
    env.pop("GRADE_EXERCISES_DIR", None)  # the copy's own exercises/, not the kit's tests' stubs
    return subprocess.run([sys.executable, "-c", "from graders.cli import main; main()", *args],
                          capture_output=True, text=True, env=env, cwd=copy, timeout=120)


def test_the_student_copy_runs_its_two_commands_and_hides_the_reference(student_copy: Path) -> None:
    assert not (student_copy / "reference").exists()
    shown = run_in_copy(student_copy, "exercise", "--help")
    assert shown.returncode == 0 and "reference" not in shown.stdout
    assert "a folder of solutions" in " ".join(shown.stdout.split())
    progress = run_in_copy(student_copy)  # `grade`, the copy's second command
    assert progress.returncode == 0, progress.stderr
    assert "Next: exercise 1" in progress.stdout and "grade exercise 1" in progress.stdout
    graded = run_in_copy(student_copy, "exercise", "1")
    assert graded.returncode == 1 and "not written yet" in graded.stdout
    refused = run_in_copy(student_copy, "exercise", "1", "--solutions", "reference")
    assert refused.returncode == 2 and "--solutions: no folder reference" in refused.stderr


def test_the_readme_says_who_uses_which_repository_on_its_first_screen(student_copy: Path) -> None:
    from graders.registry import KIT_ROOT

    readme = (KIT_ROOT / "README.md").read_text(encoding="utf-8")
    first_screen = readme[:readme.index("\n## ")]
    assert first_screen.count("\n") < 40
    words = " ".join(first_screen.split())
    for phrase in ("the kit", "for instructors and for self-study", "reference/", "the student copy",
                   "grade export DIR", "never need this repository"):
        assert phrase in words, phrase
    # The copy's two commands, as the kit's README quotes them, open the copy's own README.
    after = first_screen[first_screen.index("two commands"):]
    commands = [line.strip() for line in after.splitlines() if line.startswith("    ")]
    copy_readme = (student_copy / "README.md").read_text(encoding="utf-8")
    copy_first = copy_readme[:copy_readme.index("## Work on an exercise")]
    assert len(commands) == 2 and commands[-1] == "grade", commands
    assert [line.strip() for line in copy_first.splitlines() if line.startswith("    ")] == commands


# Each exercise file run directly


def test_each_exercise_file_run_directly_says_how_to_grade_it() -> None:
    from kit import STUBS

    from graders.registry import exercises

    for exercise in exercises():
        done = subprocess.run([sys.executable, str(STUBS / exercise.file_name)],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0 and done.stderr == "", done.stderr
        assert done.stdout.count("\n") == 1, done.stdout
        assert f"`grade exercise {exercise.number}`" in done.stdout


# What a failing report says


def test_a_failing_report_ends_with_what_to_do_next() -> None:
    stubs = CliRunner().invoke(cli, ["exercise", "4"])
    assert stubs.exit_code == 1
    assert stubs.output.rstrip().splitlines()[-2:] == [
        "Next: fix the first ✗ above, then run `grade exercise 4` again.", "Stuck? grade hint 4"]
    passing = CliRunner().invoke(cli, ["exercise", "4", "--solutions", "reference"])
    assert passing.exit_code == 0 and passing.output.rstrip().splitlines()[-1].startswith("Total:")


def test_a_file_that_does_not_load_is_reported_once(tmp_path: Path) -> None:
    from kit import STUBS

    source = (STUBS / "ex03_fetch.py").read_text()
    (tmp_path / "ex03_fetch.py").write_text(source + "\ndef broken(:\n")
    shown = CliRunner().invoke(cli, ["exercise", "3", "--solutions", str(tmp_path)])
    assert shown.exit_code == 1
    assert shown.output.count("SyntaxError") == 1, shown.output
    report = json.loads(CliRunner().invoke(cli, ["exercise", "3", "-s", str(tmp_path),
                                                 "-f", "json"]).output)
    checks = report["exercises"][0]["checks"]
    assert f"all {len(checks)} checks: " in shown.output
    assert all(check["status"] != "passed" and "SyntaxError" in check["message"] for check in checks)


@pytest.mark.parametrize(("body", "phrase"), [
    ("return await asyncio.gather(await kitchen.boil_eggs(), kitchen.toast_bread(),"
     " kitchen.brew_coffee())",
     "gather() got a result (a str) where it needs a coroutine or task: you awaited it before "
     "passing it"),
    ("return await asyncio.gather([kitchen.boil_eggs(), kitchen.toast_bread()])",
     "gather() got a list where it needs each coroutine or task as an argument of its own"),
    ("await time.sleep(1)", "`await` was given None, which cannot be awaited"),
    ("eggs = kitchen.boil_eggs()\n    return [eggs[0]]",
     "A coroutine object was used as if it were its result"),
    ("return list(kitchen.boil_eggs())", "A coroutine object was used as if it were its result"),
])
def test_common_type_errors_are_explained(body: str, phrase: str, tmp_path: Path) -> None:
    (tmp_path / "ex02_gather.py").write_text(
        f"import asyncio\nimport time\n\n\nasync def make_breakfast(kitchen):\n    {body}\n")
    report = json.loads(CliRunner().invoke(cli, ["exercise", "2", "-s", str(tmp_path),
                                                 "-f", "json"]).output)
    messages = [check["message"] for check in report["exercises"][0]["checks"]]
    assert phrase in messages[0], messages  # the results check; others may name a leak first


def test_type_errors_are_explained_in_every_python_wording() -> None:
    from graders.probes.values import explain

    for text in ("object NoneType can't be used in 'await' expression",  # 3.11 to 3.13
                 "'NoneType' object can't be awaited"):  # 3.14
        assert explain(TypeError(text)).startswith("`await` was given None"), text
    for text in ("'coroutine' object is not subscriptable", "'coroutine' object is not iterable",
                 "cannot unpack non-iterable coroutine object",
                 "unsupported operand type(s) for +=: 'float' and 'coroutine'"):
        assert explain(TypeError(text)).startswith("A coroutine object was used"), text
    assert explain(TypeError("'_GatheringFuture' object is not subscriptable")).startswith(
        "The future gather returns was used as if it were its result")
    assert explain(TypeError("unsupported operand type(s) for +: 'int' and 'str'")) == ""
    assert explain(ValueError("'coroutine' object is not subscriptable")) == ""


PRINTS = '''import asyncio


async def greet(name: str, delay: float) -> str:
    print("greet got", name)
    await asyncio.sleep(delay)
    return "Hello, " + name + "!"


def run_greet(name: str, delay: float) -> str:
    print("run_greet got", name)
    return "Hi, " + name
'''


def test_what_the_code_printed_shows_under_failed_checks_and_never_in_json(tmp_path: Path) -> None:
    (tmp_path / "ex01_coroutines.py").write_text(PRINTS, encoding="utf-8")
    plain = CliRunner().invoke(cli, ["exercise", "1", "-s", str(tmp_path)])
    passed, failed = plain.output.split("\n  ✗ ", 1)  # greet's checks pass, run_greet's fail
    assert "✓" in passed and "your code printed:" not in passed
    assert "your code printed:\n      | run_greet got " in failed
    verbose = CliRunner().invoke(cli, ["exercise", "1", "-s", str(tmp_path), "--verbose"])
    assert verbose.output.count("your code printed:") > plain.output.count("your code printed:")
    assert "| greet got " in verbose.output.split("\n  ✗ ", 1)[0]
    report = CliRunner().invoke(cli, ["exercise", "1", "-s", str(tmp_path), "-f", "json"])
    checks = [check for exercise in json.loads(report.output)["exercises"]
              for check in exercise["checks"]]
    assert checks and not any("printed" in check or "got " in json.dumps(check) for check in checks)
    refused = CliRunner().invoke(cli, ["exercise", "1", "-s", str(tmp_path), "-v", "-f", "json"])
    assert refused.exit_code == 2 and "--verbose is for the text format only" in refused.output
