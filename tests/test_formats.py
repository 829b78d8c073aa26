"""The machine formats (junit, gradescope, github), read back as their consumers read them, for
full marks (the reference) and for all-failing stubs; and the CLI's --report and job summary."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from junitparser import Error, Failure, JUnitXml
from kit import REFERENCE, STUBS
from report_formats import gradescope_problems, workflow_commands

from graders.cli import cli
from graders.engine.definitions import def_lines
from graders.engine.runner import grade
from graders.registry import exercises
from graders.render import RENDERERS, github, gradescope, junit
from graders.results import CheckResult, ExerciseResult, Location, Report


@pytest.fixture(scope="module")
def full_marks() -> Report:
    return grade(list(exercises()), REFERENCE)


@pytest.fixture(scope="module")
def all_failing() -> Report:
    return grade(list(exercises()), STUBS)


def checks_of(report: Report) -> list[CheckResult]:
    return [check for exercise in report.exercises for check in exercise.checks]


def test_every_format_is_a_choice_of_the_cli() -> None:
    assert {"text", "json", "junit", "gradescope", "github"} <= set(RENDERERS)


# JUnit XML, read by junitparser


def read_junit(report: Report) -> JUnitXml:
    return JUnitXml.fromstring(junit.render(report, False).encode())


def test_junit_full_marks(full_marks: Report) -> None:
    xml = read_junit(full_marks)
    suites = list(xml)
    assert [suite.name for suite in suites] == [ex.file.removesuffix(".py")
                                                for ex in full_marks.exercises]
    assert xml.tests == len(checks_of(full_marks)) and xml.failures == xml.errors == 0
    for suite, exercise in zip(suites, full_marks.exercises, strict=True):
        cases = list(suite)
        assert [case.name for case in cases] == [check.name for check in exercise.checks]
        assert {case.classname for case in cases} == {suite.name}
        assert all(case.is_passed for case in cases)
        properties = {prop.name: prop.value for prop in suite.properties()}
        assert properties["score"] == properties["max_score"] == f"{exercise.max_score:g}"


def unwritten(report: Report) -> list[ExerciseResult]:
    """The exercises whose stub raises NotImplementedError (not a `broken` program)."""
    broken = {exercise.number for exercise in exercises() if exercise.broken_stub}
    return [exercise for exercise in report.exercises if exercise.number not in broken]


def test_junit_all_failing_carries_the_students_messages(all_failing: Report) -> None:
    xml = read_junit(all_failing)
    assert xml.failures + xml.errors == len(checks_of(all_failing)) and xml.failures > 0
    for suite, exercise in zip(xml, all_failing.exercises, strict=True):
        for case, check in zip(suite, exercise.checks, strict=True):
            [problem] = case.result
            assert isinstance(problem, Failure if check.status == "failed" else Error)
            assert problem.message == check.message.splitlines()[0]
            assert check.message in problem.text
        assert {prop.name: prop.value for prop in suite.properties()}["score"] == "0"
    for exercise in unwritten(all_failing):
        assert all("not written yet" in check.message for check in exercise.checks)


def tiny_report(*checks: CheckResult, functions: dict[str, int] | None = None) -> Report:
    exercise = ExerciseResult(7, "demo", "Demo", "ex07_demo.py", list(checks),
                              "/work/exercises/ex07_demo.py", functions or {})
    return Report([exercise], "/work/exercises", 1.5)


def test_junit_stopped_checks_are_errors_and_any_text_stays_valid_xml() -> None:
    nasty = "bytes \x00\x1b[31m <tag> & ]]> \ud800 end"
    report = tiny_report(CheckResult("crash", "Crash", "error", 0, 1, nasty),
                         CheckResult("hang", "Hang", "timeout", 0, 2, "stopped after 15 s"))
    [suite] = read_junit(report)
    crash, hang = list(suite)
    assert isinstance(crash.result[0], Error) and isinstance(hang.result[0], Error)
    assert crash.result[0].type == "error" and hang.result[0].type == "timeout"
    assert "\\x00\\x1b[31m <tag> & ]]> \\ud800 end" in crash.result[0].text


# Gradescope results.json, checked against the specification's fields and types


def test_gradescope_full_marks(full_marks: Report) -> None:
    data = json.loads(gradescope.render(full_marks, False))
    assert gradescope_problems(data) == []
    assert data["score"] == full_marks.max_score > 0
    assert len(data["tests"]) == len(checks_of(full_marks))
    assert {test["status"] for test in data["tests"]} == {"passed"}
    assert sum(test["max_score"] for test in data["tests"]) == full_marks.max_score
    expected_numbers = [f"{ex.number}.{index}" for ex in full_marks.exercises
                        for index in range(1, len(ex.checks) + 1)]
    assert [test["number"] for test in data["tests"]] == expected_numbers


def test_gradescope_all_failing(all_failing: Report) -> None:
    data = json.loads(gradescope.render(all_failing, False))
    assert gradescope_problems(data) == []
    assert data["score"] == 0 and {test["status"] for test in data["tests"]} == {"failed"}
    assert all(test["output"] for test in data["tests"])
    for exercise in unwritten(all_failing):
        outputs = [test["output"] for test in data["tests"]
                   if test["number"].startswith(f"{exercise.number}.")]
        assert len(outputs) == len(exercise.checks)
        assert all("not written yet" in output for output in outputs)
    assert f"0/{all_failing.max_score:g} points" in data["output"]


def test_gradescope_validator_rejects_what_the_spec_forbids() -> None:
    bad = {"score": "10", "execution_time": 1, "output": "",
           "tests": [{"name": "a", "number": "1", "score": 3, "max_score": 2, "status": "ok",
                      "output": "", "visibility": "sometimes"}]}
    problems = gradescope_problems(bad)
    assert len(problems) == 5, problems


# GitHub: annotations on the student's function, escaping, the limit, the last line


def function_spans(path: Path) -> dict[str, range]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {node.name: range(node.lineno, (node.end_lineno or node.lineno) + 1)
            for node in tree.body if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)}


def test_github_full_marks_has_no_annotations_and_ends_with_points(full_marks: Report) -> None:
    log = github.render(full_marks, False)
    assert [command.name for command in workflow_commands(log)] == ["group", "endgroup"] * len(
        full_marks.exercises)
    assert log.splitlines()[-1] == f"Points {full_marks.max_score:g}/{full_marks.max_score:g}"


def test_github_annotations_point_into_the_students_functions(all_failing: Report) -> None:
    log = github.render(all_failing, False)
    errors = [command for command in workflow_commands(log) if command.name == "error"]
    assert 0 < len(errors) <= github.ANNOTATION_LIMIT
    assert log.splitlines()[-1] == f"Points 0/{all_failing.max_score:g}"
    by_file = {str(STUBS / ex.file): ex for ex in all_failing.exercises}
    raising = {exercise.number for exercise in unwritten(all_failing)}
    if "file" not in errors[-1].properties:  # more exercises fail than annotations may show
        assert errors.pop().properties["title"].endswith("more exercises have failing checks")
    for error in errors:
        exercise = by_file[error.properties["file"]]
        assert error.properties["title"].startswith(f"Exercise {exercise.number}: ")
        line = int(error.properties["line"])
        if exercise.number in raising:
            spans = function_spans(STUBS / exercise.file)
            assert any(line in spans[name] for name in exercise.functions), (error, spans)
            assert "not written yet" in error.data
        else:  # a broken program: the line of the mistake, somewhere in the file
            assert 1 <= line <= len((STUBS / exercise.file).read_text().splitlines())


def test_the_engine_finds_every_registered_function_in_the_stubs(all_failing: Report) -> None:
    for exercise, registered in zip(all_failing.exercises, exercises(), strict=True):
        assert list(exercise.functions) == list(registered.functions)
        spans = function_spans(STUBS / exercise.file)
        assert all(spans[name][0] == line for name, line in exercise.functions.items())


def test_github_escapes_messages_and_properties() -> None:
    message = "100% sure\r\nnext line ::error::forged"
    check = CheckResult("c", "Title: with, punctuation", "failed", 0, 1, message,
                        Location("ex07_demo.py", 12))
    log = github.render(tiny_report(check), False)
    [error] = [command for command in workflow_commands(log) if command.name == "error"]
    assert error.data == message
    assert error.properties == {"file": "/work/exercises/ex07_demo.py", "line": "12",
                                "title": "Exercise 7: Title: with, punctuation (0/1)"}
    assert sum(line.startswith("::error") for line in log.splitlines()) == 1


def test_github_points_at_the_function_a_message_names() -> None:
    check = CheckResult("c", "Something", "failed", 0, 1, "run_greet returned None")
    report = tiny_report(check, functions={"greet": 3, "run_greet": 9})
    [error] = [c for c in workflow_commands(github.render(report, False)) if c.name == "error"]
    assert error.properties["line"] == "9"


def many_exercises(count: int, failing_each: int) -> Report:
    return Report([
        ExerciseResult(number, "x", f"X{number}", f"ex{number:02d}_x.py",
                       [CheckResult(f"c{index}", f"C{index}", "failed", 0, 1, "wrong")
                        for index in range(failing_each)], f"/w/ex{number:02d}_x.py", {"f": 1})
        for number in range(1, count + 1)
    ])


@pytest.mark.parametrize(("count", "failing_each", "expected"), [
    (2, 5, 10),    # ten checks: one each
    (3, 4, 3),     # twelve checks: merged per exercise
    (14, 1, 10),   # fourteen: merged and cut, the tenth says how many are left out
])
def test_github_stays_within_ten_error_annotations(count: int, failing_each: int,
                                                   expected: int) -> None:
    log = github.render(many_exercises(count, failing_each), False)
    errors = [command for command in workflow_commands(log) if command.name == "error"]
    assert len(errors) == expected
    if count == 14:
        assert errors[-1].properties["title"] == "5 more exercises have failing checks"


def table_rows(markdown: str) -> list[list[str]]:
    rows = [line for line in markdown.splitlines() if line.startswith("|")]
    return [re.split(r"(?<!\\)\|", row)[1:-1] for row in rows]


def test_github_summary_table(all_failing: Report, full_marks: Report) -> None:
    for report in (all_failing, full_marks):
        text = github.summary(report)
        assert text.startswith(f"### Grade: {report.score:g}/{report.max_score:g} points")
        rows = table_rows(text)
        assert all(len(row) == 4 for row in rows)
        assert len(rows) == 2 + len(checks_of(report)) + len(report.exercises)
    assert "❌ failed: " in github.summary(all_failing) and "❌" not in github.summary(full_marks)


def test_github_summary_keeps_a_students_message_literal() -> None:
    message = "a | b ![x](https://example.invalid/t.png) <img src=x> **bold**\nsecond line"
    text = github.summary(tiny_report(CheckResult("c", "T", "failed", 0, 1, message)))
    [row] = [row for row in table_rows(text) if "failed" in row[2]]
    assert len(row) == 4 and "<br>second" in row[2]
    assert not re.search(r"(?<!\\)(<img|\]\(|\*\*bold)", row[2]), row[2]  # only escaped forms


# The CLI: --report writes other formats from the same grading; github appends the job summary


def test_report_option_and_step_summary(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    summary.write_text("before\n")
    junit_file, json_file = tmp_path / "r.xml", tmp_path / "r.json"
    result = CliRunner().invoke(
        cli, ["exercise", "1", "-s", "reference", "-f", "github", "--report", f"junit={junit_file}",
              "-r", f"json={json_file}"], env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 0, result.output
    graded = json.loads(json_file.read_text())
    assert graded["score"] == graded["max_score"] > 0
    assert result.output.splitlines()[-1] == f"Points {graded['score']:g}/{graded['max_score']:g}"
    assert JUnitXml.fromfile(str(junit_file)).tests == len(graded["exercises"][0]["checks"])
    assert summary.read_text().startswith("before\n### Grade: ")


def test_no_step_summary_without_github_format(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    result = CliRunner().invoke(cli, ["exercise", "1", "-s", "reference", "-f", "json"],
                                env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 0 and not summary.exists()


@pytest.mark.parametrize("value", ["junit", "yaml=out.txt", "json="])
def test_bad_report_option_is_a_usage_error(value: str) -> None:
    result = CliRunner().invoke(cli, ["exercise", "1", "--report", value])
    assert result.exit_code == 2 and "FORMAT=FILE" in result.output


# The engine reads the student's def lines without running anything, and gives up safely


def test_def_lines(tmp_path: Path) -> None:
    source = tmp_path / "ex.py"
    source.write_text("import os\nos._exit(3)\n\n@decorated\nasync def b():\n    pass\n\n"
                      "def a():\n    pass\n\ndef a():\n    pass\n")
    assert def_lines(source, ["a", "b", "c"]) == {"a": 11, "b": 5}
    (tmp_path / "broken.py").write_text("def a(:\n")
    assert def_lines(tmp_path / "broken.py", ["a"]) == {}
    assert def_lines(tmp_path / "missing.py", ["a"]) == {}


def test_def_lines_never_blocks_on_a_fifo(tmp_path: Path) -> None:
    import os

    os.mkfifo(tmp_path / "fifo.py")
    assert def_lines(tmp_path / "fifo.py", ["a"]) == {}


# Causes: each failed check's cause, in every machine format that can hold it


def with_a_cause() -> Report:
    from graders.results import Cause

    cause = Cause("sequential-awaits", "Requests made one at a time",
                  "fetch every URL at the same time with `fetch_url`")
    failed = CheckResult("runs_at_once", "runs at once", "failed", 0, 3, "5 requests ran one at a "
                         "time", cause=cause)
    passed = CheckResult("returns", "returns", "passed", 2, 2)
    return Report([ExerciseResult(3, "fetch", "Fetching", "ex03_fetch.py", [failed, passed])])


def test_causes_in_json_gradescope_and_junit() -> None:
    report = with_a_cause()
    checks = json.loads(RENDERERS["json"](report, False))["exercises"][0]["checks"]
    assert checks[0]["cause"] == {"id": "sequential-awaits", "name": "Requests made one at a time",
                                  "lesson": "fetch every URL at the same time with `fetch_url`",
                                  "kind": "mistake"}
    assert "cause" not in checks[1]
    tests = gradescope.results(report)["tests"]
    assert "cause:sequential-awaits" in tests[0]["tags"] and tests[1]["tags"] == ["ex03_fetch"]
    assert "fetch every URL at the same time" in tests[0]["output"] and tests[1]["output"] == ""
    assert not gradescope_problems(gradescope.results(report))
    case = next(iter(next(iter(read_junit(report)))))
    assert isinstance(case.result[0], Failure) and "sequential-awaits" in case.result[0].text
    assert "<property name=\"cause\" value=\"sequential-awaits\"" in junit.render(report, False)


def test_the_stubs_checks_carry_the_not_written_cause(all_failing: Report) -> None:
    for exercise in all_failing.exercises:
        if exercise.number != 12:  # the broken program: its checks name its planted mistakes
            assert {check.cause.id for check in exercise.checks if check.cause} == {"not-written"}
        assert all(check.cause is not None for check in exercise.checks)
