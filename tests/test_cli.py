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
